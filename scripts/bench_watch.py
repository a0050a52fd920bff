#!/usr/bin/env python3
"""Incremental rebuild benchmark for `errdocs watch`.

Generates the large synthetic site (scripts/gen_bench_site.py), starts `errdocs watch` on it,
then repeatedly saves one Markdown page (and, separately, the catalog with one code's message
changed) and measures the time from the save to the rebuilt files on disk. Prints the median,
min and max of each. The watch debounce (default 50 ms, set with --debounce-ms; an isolated
save waits 10 ms of it) is part of what is measured: it is the time a writer actually waits.

A page edit is timed until its output file holds the edit (polled: the file is small). A
catalog edit is timed until errdocs reports the rebuild (`rebuilt:`, printed once every file
is written), then the reference page and the code's own page are checked to hold the edit:
polling the 5 MB reference page would take a core from errdocs on a 2-core machine.
With --json PATH the medians are also written there (read by scripts/bench_report.py's
targets table).
"""
import json
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def wait_for(path, needle, timeout=60.0):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            with open(path, "r", encoding="utf-8") as f:
                if needle in f.read():
                    return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.0005)
    raise SystemExit(f"timed out waiting for {needle!r} in {path}")


def wait_line(proc, needle, timeout=120.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("errdocs watch exited:\n" + proc.stderr.read())
        if needle in line:
            return line
    raise SystemExit(f"no {needle!r} from errdocs watch")


def rebuild_ms(line):
    """`rebuilt: content/x.md (2 files written) in 12 ms` -> 12.0"""
    return float(line.rsplit(" in ", 1)[1].split()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--codes", type=int, default=10000)
    ap.add_argument("--categories", type=int, default=50)
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--code-pages", default="on", choices=("on", "off"),
                    help="a page per code, errdocs' default (on)")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--debounce-ms", type=int, default=50)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "errdocs"))
    ap.add_argument("--json", help="also write the medians to this file")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="errdocs-bench-watch-")
    subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_bench_site.py"), "--codes", str(args.codes),
         "--categories", str(args.categories), "--pages", str(args.pages),
         "--code-pages", args.code_pages, "--tools", "errdocs", "--out", work],
        check=True, stdout=subprocess.DEVNULL)
    site = os.path.join(work, "errdocs")
    out = os.path.join(work, "out")
    proc = subprocess.Popen(
        [args.binary, "watch", "--root", site, "--output", out, "--debounce-ms", str(args.debounce_ms)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_line(proc, "rebuilt: initial build")
        pages = sorted(os.listdir(os.path.join(site, "content", "pages")))
        page = os.path.join(site, "content", "pages", pages[len(pages) // 2])
        page_out = os.path.join(out, "pages", pages[len(pages) // 2][:-3], "index.html")
        page_times, page_work = [], []
        for i in range(args.runs):
            marker = f"bench-marker-{i}-{time.time_ns()}"
            start = time.perf_counter()
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\n{marker}\n")
            done = wait_for(page_out, marker)
            page_times.append((done - start) * 1000)
            page_work.append(rebuild_ms(wait_line(proc, "rebuilt:")))
            time.sleep(0.2)

        catalog = os.path.join(site, "catalog", "errors.toml")
        with open(catalog, "r", encoding="utf-8") as f:
            original = f.read()
        first_code = original.split('\ncode = "', 1)[1].split('"', 1)[0]
        first_message = original.split('message = "', 1)[1].split('"', 1)[0]
        reference = os.path.join(out, "errors", "index.html")
        code_page = os.path.join(out, "errors", first_code, "index.html")
        catalog_times, catalog_work = [], []
        for i in range(max(5, args.runs)):
            marker = f"{first_message} v{i}-{time.time_ns()}"
            text = original.replace(f'message = "{first_message}"', f'message = "{marker}"', 1)
            start = time.perf_counter()
            with open(catalog, "w", encoding="utf-8") as f:
                f.write(text)
            line = wait_line(proc, "rebuilt:")
            done = time.perf_counter()
            catalog_times.append((done - start) * 1000)
            catalog_work.append(rebuild_ms(line))
            for path in (reference, code_page):
                if os.path.exists(os.path.dirname(path)):
                    with open(path, "r", encoding="utf-8") as f:
                        if marker not in f.read():
                            raise SystemExit(f"{path} lacks the edit after: {line.strip()}")
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)

    def row(name, xs):
        return (f"{name:<34} median {statistics.median(xs):8.1f} ms   "
                f"min {min(xs):8.1f} ms   max {max(xs):8.1f} ms   (n={len(xs)})")

    print(f"errdocs watch, {args.codes} codes / {args.pages} pages, code pages {args.code_pages},"
          f" debounce {args.debounce_ms} ms, save -> rebuilt files on disk:")
    print(row("edit one Markdown page", page_times))
    print(row("edit one code's message (catalog)", catalog_times))
    print("the rebuild itself, as errdocs reports it (no debounce, no polling):")
    print(row("edit one Markdown page", page_work))
    print(row("edit one code's message (catalog)", catalog_work))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"codes": args.codes, "code_pages": args.code_pages,
                       "page_ms": statistics.median(page_times),
                       "catalog_ms": statistics.median(catalog_times),
                       "catalog_runs": len(catalog_times)}, f)


if __name__ == "__main__":
    main()
