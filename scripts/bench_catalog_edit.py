#!/usr/bin/env python3
"""Save-to-disk time of a one-code catalog edit under `errdocs watch`.

Usage: python3 scripts/bench_catalog_edit.py BINARY RUNS [SITE] [CODE]

Copies SITE (default /work/ref/bench10k/errdocs: 10,000 codes, code pages on) to a temporary
directory, starts `BINARY watch` on it (debounce 50 ms), then RUNS times rewrites the catalog
with a new message for CODE (default E026-0097) and measures the wall time from the start of
the save to errdocs' `rebuilt:` line (every file written), checking that the reference page and
the code's page show the new message. Prints the median, min and max. Run with
ERRDOCS_TIMINGS=1 to see where an incremental catalog rebuild spends its time.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    binary, runs = sys.argv[1], int(sys.argv[2])
    source = sys.argv[3] if len(sys.argv) > 3 else "/work/ref/bench10k/errdocs"
    code = sys.argv[4] if len(sys.argv) > 4 else "E026-0097"
    work = tempfile.mkdtemp(prefix="errdocs-bench-catalog-")
    site, out = os.path.join(work, "site"), os.path.join(work, "out")
    shutil.copytree(source, site)
    proc = subprocess.Popen(
        [binary, "watch", "--root", site, "--output", out, "--debounce-ms", "50"],
        stdout=subprocess.PIPE, text=True)

    def line(needle):
        while True:
            text = proc.stdout.readline()
            if not text:
                raise SystemExit("errdocs watch exited")
            if needle in text:
                return text

    try:
        line("rebuilt: initial build")
        catalog = os.path.join(site, "catalog", "errors.toml")
        with open(catalog, encoding="utf-8") as f:
            original = f.read()
        head, rest = original.split(f'code = "{code}"', 1)
        message = rest.split('message = "', 1)[1].split('"', 1)[0]
        times, reports = [], []
        for i in range(runs):
            marker = f"{message} v{i}-{time.time_ns()}"
            text = head + f'code = "{code}"' + rest.replace(
                f'message = "{message}"', f'message = "{marker}"', 1)
            start = time.perf_counter()
            with open(catalog, "w", encoding="utf-8") as f:
                f.write(text)
            report = line("rebuilt:")
            times.append((time.perf_counter() - start) * 1000)
            reports.append(report.strip())
            for page in ("errors/index.html", f"errors/{code}/index.html"):
                with open(os.path.join(out, page), encoding="utf-8") as f:
                    assert marker in f.read(), page
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(reports[-1])
    print(f"one-code message edit, save -> every file written: median {statistics.median(times):.0f} ms"
          f"   min {min(times):.0f} ms   max {max(times):.0f} ms   (n={runs})")


if __name__ == "__main__":
    main()
