#!/usr/bin/env python3
"""Checks and tables of scripts/bench.sh (errdocs vs mdBook, rich Hugo, minimal Hugo).

    bench_report.py check    --tool T --out DIR --codes codes.txt --mode off|on  > T.json
    bench_report.py compare  --res RES --codes N --mode M --tools "errdocs mdbook ..." [...]
    bench_report.py scaling  --res RES --sizes "1000 10000" --mode M --tools "..."
    bench_report.py estimate --res RES --tool T --mode M --codes N
    bench_report.py targets  --res RES --codes N --sizes "..."

RES is the results directory bench.sh fills, one set of files per (tool, codes, mode):

    T.N.M.runs   one line per timed build: wall s, peak RSS KiB, user s, sys s (GNU time)
    T.N.M.cp     the same for each `cp -r OUT OUT2` of the tool's output (the copy floor)
    T.N.M.json   what `check` found in the output (files, bytes, anchors, page sizes)
    T.N.M.skip   why the tool was skipped at this size (a timeout, an estimate), if it was
    load.N.M     load averages before and after the runs

Where each tool puts its pages is in LAYOUTS, in one place: a future errdocs that moves its
code pages or splits the errors page only needs its entry changed (the anchor check already
accepts anchors spread over several pages: every code needs exactly one element with
id="CODE" in all HTML files of the output that are not code pages). Python 3 stdlib only.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys

# Per tool: display name, and the path of a code's page in the output (code pages on).
LAYOUTS = {
    "errdocs": {"name": "errdocs", "code_page": "errors/{code}/index.html"},
    "mdbook": {"name": "mdBook", "code_page": "errors/{code}.html"},
    "hugo": {"name": "Hugo (rich)", "code_page": "errors/{code}/index.html"},
    "hugo-min": {"name": "Hugo (minimal)", "code_page": "errors/{code}/index.html"},
}

ID_ATTR = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>=`]+))""")


def name(tool):
    return LAYOUTS.get(tool, {"name": tool})["name"]


# --- check ------------------------------------------------------------------------------------


def check(args):
    layout = LAYOUTS[args.tool]
    codes = open(args.codes, encoding="utf-8").read().split()
    code_set = set(codes)
    out = args.out.rstrip("/")
    code_pages = {}
    if args.mode == "on":
        for c in codes:
            code_pages[layout["code_page"].format(code=c)] = c
    files = 0
    html = []  # (relative path, size)
    for dirpath, _dirs, names in os.walk(out):
        for n in names:
            files += 1
            if n.endswith(".html"):
                p = os.path.join(dirpath, n)
                html.append((os.path.relpath(p, out), os.path.getsize(p)))
    problems = []
    # Anchors: every HTML file but the code pages.
    count = {}
    where = {}
    for rel, _size in html:
        if rel in code_pages:
            continue
        with open(os.path.join(out, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for m in ID_ATTR.finditer(text):
            v = m.group(1) if m.group(1) is not None else (m.group(2) if m.group(2) is not None else m.group(3))
            if v in code_set:
                count[v] = count.get(v, 0) + 1
                where[rel] = where.get(rel, 0) + 1
    missing = [c for c in codes if c not in count]
    dups = [c for c in codes if count.get(c, 0) > 1]
    if missing:
        problems.append(f"{len(missing)} codes have no element with id=CODE, e.g. {missing[:5]}")
    if dups:
        problems.append(f"{len(dups)} codes have more than one element with id=CODE, e.g. "
                        f"{[(c, count[c]) for c in dups[:5]]}")
    sizes = dict(html)
    cp_sizes = []
    if code_pages:
        absent = [p for p in code_pages if p not in sizes]
        if absent:
            problems.append(f"{len(absent)} code pages missing, e.g. {absent[:5]}")
        cp_sizes = [(sizes[p], p) for p in code_pages if p in sizes]
    if problems:
        for p in problems:
            print(f"{name(args.tool)}: {out}: {p}", file=sys.stderr)
        sys.exit(1)
    du = int(subprocess.run(["du", "-sb", out], check=True, capture_output=True, text=True).stdout.split()[0])
    largest = max(html, key=lambda x: x[1]) if html else ("", 0)
    pages_with_anchors = sorted(where.items(), key=lambda x: -x[1])
    result = {
        "files": files,
        "bytes": du,
        "html_files": len(html),
        "anchors": len(codes),
        "anchor_files": [p for p, _ in pages_with_anchors],
        "largest_page": {"path": largest[0], "bytes": largest[1]},
        "code_pages": None,
    }
    if cp_sizes:
        mx = max(cp_sizes)
        result["code_pages"] = {
            "count": len(cp_sizes),
            "avg_bytes": sum(s for s, _ in cp_sizes) / len(cp_sizes),
            "max_bytes": mx[0],
            "max_path": mx[1],
        }
    json.dump(result, sys.stdout)
    print()
    files_desc = (result["anchor_files"][0] if len(result["anchor_files"]) == 1
                  else f"{len(result['anchor_files'])} pages")
    msg = f"[bench] {name(args.tool)}: every one of the {len(codes)} codes has exactly one id=CODE anchor ({files_desc})"
    if cp_sizes:
        msg += f"; a page for each code ({layout['code_page'].format(code='CODE')})"
    print(msg, file=sys.stderr)


# --- results ----------------------------------------------------------------------------------


def rows(path):
    if not os.path.exists(path):
        return []
    return [list(map(float, line.split())) for line in open(path) if line.strip()]


class Result:
    def __init__(self, res, tool, n, mode):
        base = os.path.join(res, f"{tool}.{n}.{mode}")
        self.tool, self.n, self.mode = tool, n, mode
        self.runs = rows(base + ".runs")
        self.cp = rows(base + ".cp")
        self.out = json.load(open(base + ".json")) if os.path.exists(base + ".json") else None
        self.skip = open(base + ".skip").read().strip() if os.path.exists(base + ".skip") else None
        self.note = open(base + ".note").read().strip() if os.path.exists(base + ".note") else None

    @property
    def ok(self):
        return bool(self.runs) and self.out is not None

    def wall(self):
        return statistics.median(r[0] for r in self.runs)

    def wall_min(self):
        return min(r[0] for r in self.runs)

    def wall_max(self):
        return max(r[0] for r in self.runs)

    def cpu(self):
        return statistics.median(r[2] + r[3] for r in self.runs)

    def rss(self):  # KiB
        return statistics.median(r[1] for r in self.runs)

    def cp_wall(self):
        return statistics.median(r[0] for r in self.cp) if self.cp else None


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def size(b):
    if b >= 1e9:
        return f"{b / 1e9:.2f} GB"
    if b >= 1e6:
        return f"{b / 1e6:.1f} MB"
    return f"{b / 1e3:.1f} KB"


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "n/a"


def load_line(res, n, mode):
    p = os.path.join(res, f"load.{n}.{mode}")
    if not os.path.exists(p):
        return None
    before, _, after = open(p).read().strip().partition("|")
    return f"before: {before}, after: {after}"


# --- compare ----------------------------------------------------------------------------------


def compare(args):
    tools = args.tools.split()
    rs = [Result(args.res, t, args.codes, args.mode) for t in tools]
    print(f"## {args.title}")
    print()
    print(f"- Site: {args.codes} codes, {args.categories} categories, {args.pages} pages, "
          f"code pages {args.mode} (scripts/gen_bench_site.py, seed 1)")
    print(f"- Runs: {args.warmup} warm-up + {args.runs} timed builds of each tool, in alternation "
          f"({', '.join(name(t) for t in tools)}), fresh output directory every build; "
          f"`cp -r` floor: median of {args.cp_runs} copies of each tool's output into a fresh directory, "
          f"each right after one of its timed builds")
    ll = load_line(args.res, args.codes, args.mode)
    if ll:
        print(f"- Load average (1/5/15 min) {ll}")
    print("- Checked: every code has exactly one element with id=CODE in each output"
          + (", and a page of its own" if args.mode == "on" else ""))
    for r in rs:
        if r.skip:
            print(f"- **{name(r.tool)} skipped**: {r.skip}.")
        if r.note:
            print(f"- {name(r.tool)} {r.note}")
    print()
    print("| tool | median wall | min | max | median CPU (user+sys) | median peak RSS | output (`du -sb`) | files | `cp -r` floor | wall / `cp -r` |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rs:
        if not r.ok:
            print(f"| {name(r.tool)} | skipped | | | | | | | | |")
            continue
        cpw = r.cp_wall()
        print(f"| {name(r.tool)} | {r.wall():.2f} s | {r.wall_min():.2f} s | {r.wall_max():.2f} s | "
              f"{r.cpu():.2f} s | {mib(r.rss())} | {size(r.out['bytes'])} | {r.out['files']:,} | "
              f"{f'{cpw:.2f} s' if cpw is not None else 'n/a'} | {ratio(r.wall(), cpw)} |")
    print()
    e = rs[0]
    peers = [r for r in rs[1:] if r.ok]
    if e.ok and peers:
        print(f"| {name(e.tool)} / peer | wall | CPU | peak RSS | output size |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for p in peers:
            print(f"| / {name(p.tool)} | **{ratio(e.wall(), p.wall())}** | {ratio(e.cpu(), p.cpu())} | "
                  f"{ratio(e.rss(), p.rss())} | {ratio(e.out['bytes'], p.out['bytes'])} |")
        print()
    print("| tool | largest page | " + ("code pages | average code page | largest code page |" if args.mode == "on" else "pages with the code anchors |"))
    print("| --- | --- | " + ("---: | ---: | --- |" if args.mode == "on" else "--- |"))
    for r in rs:
        if not r.ok:
            continue
        lp = r.out["largest_page"]
        row = f"| {name(r.tool)} | {lp['path']} ({size(lp['bytes'])}) | "
        if args.mode == "on" and r.out["code_pages"]:
            c = r.out["code_pages"]
            row += f"{c['count']:,} | {c['avg_bytes'] / 1e3:.2f} KB | {c['max_path']} ({c['max_bytes'] / 1e3:.2f} KB) |"
        else:
            af = r.out["anchor_files"]
            row += (", ".join(af) if len(af) <= 3 else f"{len(af)} pages") + " |"
        print(row)
    print()
    print("Raw runs (wall s, peak RSS KiB, user s, sys s), then the `cp -r` runs:")
    print()
    print("```text")
    n = max((len(r.runs) for r in rs), default=0)
    for i in range(n):
        print(" | ".join(f"{r.tool} " + (" ".join(_fmt_run(r.runs[i])) if i < len(r.runs) else "-")
                         for r in rs if r.runs))
    m = max((len(r.cp) for r in rs), default=0)
    for i in range(m):
        print(" | ".join(f"cp {r.tool} " + (" ".join(_fmt_run(r.cp[i])) if i < len(r.cp) else "-")
                         for r in rs if r.cp))
    print("```")
    print()


def _fmt_run(r):
    return [f"{r[0]:.2f}", f"{int(r[1])}", f"{r[2]:.2f}", f"{r[3]:.2f}"]


# --- scaling ----------------------------------------------------------------------------------


def scaling(args):
    tools = args.tools.split()
    sizes = [int(s) for s in args.sizes.split()]
    print("| codes | tool | median wall | min | max | median CPU | median peak RSS | output (`du -sb`) | files | marginal time per added code | errdocs / this: wall, RSS |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    prev = {}
    notes = []
    for n in sizes:
        e = Result(args.res, "errdocs", n, args.mode)
        for t in tools:
            r = Result(args.res, t, n, args.mode)
            if not r.ok:
                why = r.skip or "not measured"
                print(f"| {n:,} | {name(t)} | skipped | | | | | | | | |")
                notes.append(f"{name(t)} at {n:,} codes skipped: {why}")
                continue
            if r.note:
                notes.append(f"{name(t)} at {n:,} codes {r.note}")
            marginal = "–"
            if t in prev and n != prev[t][0]:
                marginal = f"{(r.wall() - prev[t][1]) / (n - prev[t][0]) * 1e6:.1f} µs"
            rel = "–" if t == "errdocs" or not e.ok else f"{ratio(e.wall(), r.wall())}, {ratio(e.rss(), r.rss())}"
            print(f"| {n:,} | {name(t)} | {r.wall():.2f} s | {r.wall_min():.2f} s | {r.wall_max():.2f} s | "
                  f"{r.cpu():.2f} s | {mib(r.rss())} | {size(r.out['bytes'])} | {r.out['files']:,} | {marginal} | {rel} |")
            prev[t] = (n, r.wall())
    print()
    for note in notes:
        print(f"- {note}")
    if notes:
        print()


# --- estimate ---------------------------------------------------------------------------------


def estimate(args):
    """Prints "estimate last_size last_wall": the estimated wall time of TOOL at N codes from
    its measured smaller sizes (a power law through the last two, its exponent clamped to
    [1, 2]; proportional from a single one); nothing if there are none."""
    pts = []
    for f in os.listdir(args.res):
        m = re.fullmatch(re.escape(args.tool) + r"\.(\d+)\." + re.escape(args.mode) + r"\.runs", f)
        if m and int(m.group(1)) < args.codes:
            r = Result(args.res, args.tool, int(m.group(1)), args.mode)
            if r.runs:
                pts.append((r.n, r.wall()))
    pts.sort()
    if not pts:
        return
    n2, t2 = pts[-1]
    k = 1.0
    if len(pts) >= 2:
        n1, t1 = pts[-2]
        if t1 > 0 and t2 > 0:
            k = min(max(math.log(t2 / t1) / math.log(n2 / n1), 1.0), 2.0)
    est = t2 * (args.codes / n2) ** k
    print(f"{est:.0f} {pts[-1][0]} {pts[-1][1]:.2f}")


# --- targets ----------------------------------------------------------------------------------


def targets(args):
    n = args.codes
    sizes = [int(s) for s in args.sizes.split()] if args.sizes else []
    big = max(sizes + [n])
    R = lambda t, k, m: Result(args.res, t, k, m)
    lines = []

    def target(label, value, goal, met):
        mark = "" if met is None else (" — **met**" if met else " — **not met**")
        lines.append(f"| {label} | {value} | {goal}{mark} |")

    e_off, e_on = R("errdocs", n, "off"), R("errdocs", n, "on")
    for peer, goal in (("mdbook", 0.6), ("hugo-min", 0.5)):
        p = R(peer, n, "off")
        if e_off.ok and p.ok:
            v = e_off.wall() / p.wall()
            target(f"errdocs wall / {name(peer)} wall ({n:,} codes, code pages off)",
                   f"**{v:.2f}** ({e_off.wall():.2f} s / {p.wall():.2f} s)", f"<= {goal}", v <= goal)
        else:
            target(f"errdocs wall / {name(peer)} wall ({n:,} codes, code pages off)", "not measured", f"<= {goal}", None)
    p = R("mdbook", n, "off")
    if e_off.ok and p.ok:
        v = e_off.rss() / p.rss()
        target(f"errdocs peak RSS / mdBook peak RSS ({n:,} codes, code pages off)",
               f"**{v:.2f}** ({mib(e_off.rss())} / {mib(p.rss())})", "<= 1", v <= 1)
    for mode in ("off", "on"):
        eb, hb = R("errdocs", big, mode), R("hugo-min", big, mode)
        label = f"errdocs peak RSS / Hugo (minimal) peak RSS ({big:,} codes, code pages {mode})"
        # The memory target against Hugo is the one without code pages.
        goal, met = ("<= 1", eb.ok and hb.ok and eb.rss() <= hb.rss()) if mode == "off" else ("–", None)
        if eb.ok and hb.ok:
            target(label, f"**{eb.rss() / hb.rss():.2f}** ({mib(eb.rss())} / {mib(hb.rss())})", goal, met)
        elif eb.ok:
            target(label, f"errdocs {mib(eb.rss())}; Hugo (minimal) "
                   + ("skipped: " + R("hugo-min", big, mode).skip if R("hugo-min", big, mode).skip else "not measured"), "–", None)
    if e_on.ok and e_on.cp_wall():
        v = e_on.wall() / e_on.cp_wall()
        target(f"errdocs wall / `cp -r` of its own output ({n:,} codes, code pages on)",
               f"**{v:.2f}** ({e_on.wall():.2f} s / {e_on.cp_wall():.2f} s)", "<= 1.5", v <= 1.5)
    else:
        target(f"errdocs wall / `cp -r` of its own output ({n:,} codes, code pages on)", "not measured", "<= 1.5", None)
    eb = R("errdocs", big, "on")
    if eb.ok:
        kib = eb.rss()
        target(f"errdocs peak RSS ({big:,} codes, code pages on)",
               f"**{kib * 1024 / 1e9:.2f} GB** ({mib(kib)})", "<= 1 GB (10^9 bytes)", kib * 1024 <= 1e9)
    else:
        target(f"errdocs peak RSS ({big:,} codes, code pages on)", "not measured", "<= 1 GB", None)
    if e_on.ok and e_on.out["code_pages"]:
        c = e_on.out["code_pages"]
        target(f"errdocs average code page ({n:,} codes)",
               f"**{c['avg_bytes'] / 1e3:.2f} KB** ({c['avg_bytes'] / 1024:.2f} KiB)", "<= 8 KB", c["avg_bytes"] <= 8000)
        target(f"errdocs largest code page ({n:,} codes)", f"{c['max_bytes'] / 1e3:.2f} KB ({c['max_path']})", "–", None)
        lp = e_on.out["largest_page"]
        target(f"errdocs largest page ({n:,} codes, code pages on)", f"{size(lp['bytes'])} ({lp['path']})", "–", None)
    else:
        target(f"errdocs average code page ({n:,} codes)", "not measured", "<= 8 KB", None)
    if args.watch and os.path.exists(args.watch):
        with open(args.watch, encoding="utf-8") as f:
            w = json.load(f)
        v = w["catalog_ms"]
        target(f"`watch`: one-code catalog edit, save to every file on disk ({w['codes']:,} codes, "
               f"code pages {w.get('code_pages', 'on')}; median of {w['catalog_runs']})",
               f"**{v:.0f} ms**", "<= 100 ms", v <= 100)
    elif args.watch:
        target("`watch`: one-code catalog edit, save to every file on disk", "not measured", "<= 100 ms", None)
    print("## Targets")
    print()
    print("| measure (this run) | errdocs | target |")
    print("| --- | --- | --- |")
    for line in lines:
        print(line)
    print()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--tool", required=True, choices=sorted(LAYOUTS))
    c.add_argument("--out", required=True)
    c.add_argument("--codes", required=True)
    c.add_argument("--mode", required=True, choices=("off", "on", "omit"))
    c = sub.add_parser("compare")
    c.add_argument("--res", required=True)
    c.add_argument("--codes", type=int, required=True)
    c.add_argument("--categories", type=int, required=True)
    c.add_argument("--pages", type=int, required=True)
    c.add_argument("--mode", required=True)
    c.add_argument("--tools", required=True)
    c.add_argument("--title", required=True)
    c.add_argument("--runs", type=int, required=True)
    c.add_argument("--warmup", type=int, required=True)
    c.add_argument("--cp-runs", type=int, required=True)
    c = sub.add_parser("scaling")
    c.add_argument("--res", required=True)
    c.add_argument("--sizes", required=True)
    c.add_argument("--mode", required=True)
    c.add_argument("--tools", required=True)
    c = sub.add_parser("estimate")
    c.add_argument("--res", required=True)
    c.add_argument("--tool", required=True)
    c.add_argument("--mode", required=True)
    c.add_argument("--codes", type=int, required=True)
    c = sub.add_parser("targets")
    c.add_argument("--res", required=True)
    c.add_argument("--codes", type=int, required=True)
    c.add_argument("--sizes", default="")
    c.add_argument("--watch", default="", help="scripts/bench_watch.py's --json file")
    a = p.parse_args()
    {"check": check, "compare": compare, "scaling": scaling, "estimate": estimate, "targets": targets}[a.cmd](a)


if __name__ == "__main__":
    main()
