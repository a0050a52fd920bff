#!/usr/bin/env bash
# errdocs vs Hugo on the same synthetic site, in the same run.
#
#   bash scripts/bench.sh                 # defaults: 10000 codes, 50 categories, 500 pages, 5 runs
#   RUNS=9 bash scripts/bench.sh          # more runs per tool
#   bash scripts/bench.sh --runs 3 --no-scaling
#
# Options (or the environment variable in brackets):
#   --runs R           timed builds per tool, alternating errdocs/Hugo [RUNS, default 5]
#   --scale-runs R     timed builds per size of the scaling series [SCALE_RUNS, default RUNS]
#   --scale "A B C"    code counts of the scaling series [SCALE_CODES, default "1000 10000 100000"]
#   --no-scaling       skip the scaling series
#   --no-code-pages    skip the second comparison (a page per code, both tools) [CODE_PAGES=0]
#   --keep             keep the temporary directory (sites and outputs) and print its path [KEEP=1]
#   CODES, CATEGORIES, PAGES (environment only) size of the comparison site (10000, 50, 500)
#   BENCH_DIR (environment only) where the sites are generated and built (default ${TMPDIR:-/tmp});
#     e.g. BENCH_DIR=/dev/shm to take the disk out of the measurement
#
# What it does:
#   1. installs Hugo (`apt-get install -y hugo`) and GNU time (`time`) if missing;
#   2. `cargo build --release`, then copies target/release/errdocs into the temporary directory
#      so a concurrent rebuild of target/ cannot change the binary in the middle of the run;
#   3. generates the site twice with scripts/gen_bench_site.py (errdocs + Hugo, same content);
#   4. one warm-up build of each, then R builds of each in alternation (errdocs, Hugo, errdocs,
#      ...), every build into a fresh (deleted) output directory, measured with
#      `/usr/bin/time -f '%e %M %U %S'` (wall s, peak RSS KiB, user s, system s);
#   5. checks that both built /errors/ pages have one `<tr id="CODE"` row per code, for every
#      code of the catalog (fails loudly otherwise), and prints the comparison table;
#      errdocs' per-code pages (`[code_pages]`, when this errdocs has it) are off for this
#      comparison, as Hugo renders the tables only; a second comparison turns them on for both
#      tools (Hugo gets one content file per code) and checks /errors/CODE/ exists for each;
#   6. scaling series: errdocs alone on 1,000 / 10,000 / 100,000 codes (500 pages, 50 categories);
#   7. incremental rebuild times: runs scripts/bench_watch.sh if it exists.
#
# The tables on stdout are Markdown; progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-5}
SCALE_RUNS=${SCALE_RUNS:-}
SCALE_CODES=${SCALE_CODES:-"1000 10000 100000"}
CODES=${CODES:-10000}
CATEGORIES=${CATEGORIES:-50}
PAGES=${PAGES:-500}
KEEP=${KEEP:-0}
SCALING=1
CODE_PAGES=${CODE_PAGES:-1}

while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --scale-runs) SCALE_RUNS=$2; shift 2 ;;
        --scale) SCALE_CODES=$2; shift 2 ;;
        --no-scaling) SCALING=0; shift ;;
        --no-code-pages) CODE_PAGES=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
SCALE_RUNS=${SCALE_RUNS:-$RUNS}
case "$RUNS$SCALE_RUNS" in *[!0-9]*|"") echo "bench.sh: --runs/--scale-runs must be positive integers" >&2; exit 2 ;; esac
[ "$RUNS" -ge 1 ] && [ "$SCALE_RUNS" -ge 1 ] || { echo "bench.sh: runs must be >= 1" >&2; exit 2; }

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
    printf '\nbench.sh: FAILED: %s\n' "$*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

apt_install() {
    log "installing $* from Debian's packages"
    as_root apt-get update -qq >&2 || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

# --- 1. tools -------------------------------------------------------------------------------
command -v hugo >/dev/null 2>&1 || apt_install hugo
[ -x /usr/bin/time ] || apt_install time
command -v python3 >/dev/null 2>&1 || die "python3 is required (scripts/gen_bench_site.py)"
HUGO=$(command -v hugo)
TIME=/usr/bin/time

# --- 2. errdocs ---------------------------------------------------------------------------------
log "cargo build --release"
(cd "$ROOT" && cargo build --release >"${TMPDIR:-/tmp}/errdocs-bench-cargo.log" 2>&1) || {
    tail -n 40 "${TMPDIR:-/tmp}/errdocs-bench-cargo.log" >&2
    die "cargo build --release failed"
}
[ -x "$ROOT/target/release/errdocs" ] || die "target/release/errdocs was not built"

WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/errdocs-bench.XXXXXX")
cleanup() {
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
ERRDOCS="$WORK/errdocs"
cp "$ROOT/target/release/errdocs" "$ERRDOCS"

# --- helpers ------------------------------------------------------------------------------------

# gen DIR CODES CATEGORIES PAGES CODE_PAGES(off|on|omit)
gen() {
    python3 "$ROOT/scripts/gen_bench_site.py" --codes "$2" --categories "$3" --pages "$4" \
        --code-pages "$5" --out "$1" 2>/dev/null \
        || die "scripts/gen_bench_site.py --codes $2 --categories $3 --pages $4 --code-pages $5 failed"
}

# timed TOOL SITE_DIR OUT RESULTS_FILE: one build into a fresh OUT; appends "wall rss user sys".
timed() {
    local tool=$1 site=$2 out=$3 results=$4 tfile="$WORK/time.txt" logf="$WORK/build.log"
    rm -rf "$out"
    local rc=0
    case "$tool" in
        errdocs) "$TIME" -o "$tfile" -f '%e %M %U %S' "$ERRDOCS" build --root "$site" --output "$out" >"$logf" 2>&1 || rc=$? ;;
        hugo) "$TIME" -o "$tfile" -f '%e %M %U %S' "$HUGO" --source "$site" --destination "$out" --quiet >"$logf" 2>&1 || rc=$? ;;
    esac
    if [ "$rc" != 0 ]; then
        printf '\n===== %s build of %s failed (exit %s); its output: =====\n' "$tool" "$site" "$rc" >&2
        head -n 60 "$logf" >&2
        die "$tool build failed"
    fi
    # GNU time prints "Command exited with non-zero status" lines first when it fails: keep the last line.
    tail -n 1 "$tfile" >>"$results"
}

# check_anchors HTML CODES_TXT TOOL: every code has exactly one <tr id="CODE" row.
check_anchors() {
    python3 - "$1" "$2" "$3" <<'PY' || die "anchor check failed for $3 ($1)"
import re, sys
html_path, codes_path, tool = sys.argv[1:]
try:
    html = open(html_path, encoding="utf-8").read()
except OSError as e:
    sys.exit(f"{tool}: cannot read the errors page: {e}")
codes = open(codes_path, encoding="utf-8").read().split()
rows = re.findall(r'<tr id="([^"]*)"', html)
seen = {}
for r in rows:
    seen[r] = seen.get(r, 0) + 1
missing = [c for c in codes if c not in seen]
dups = [c for c in codes if seen.get(c, 0) > 1]
code_rows = sum(seen.get(c, 0) for c in codes)
if missing or dups or code_rows != len(codes):
    print(f"{tool}: {html_path}: expected {len(codes)} code rows, found {code_rows} "
          f"({len(rows)} <tr id> rows in all); missing {len(missing)} {missing[:5]}, "
          f"duplicated {len(dups)} {dups[:5]}", file=sys.stderr)
    sys.exit(1)
print(f"[bench] {tool}: all {len(codes)} code anchors present on {html_path.split('/')[-3]}/errors/index.html "
      f"({len(rows)} <tr id> rows incl. retry rows)", file=sys.stderr)
PY
}

# stats FILE -> "median_wall min max median_cpu median_rss_kib"
stats() {
    python3 - "$1" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
wall = [r[0] for r in rows]; rss = [r[1] for r in rows]; cpu = [r[2] + r[3] for r in rows]
print(statistics.median(wall), min(wall), max(wall), statistics.median(cpu), statistics.median(rss))
PY
}

# --- 3-5. errdocs vs Hugo -----------------------------------------------------------------------
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
HUGO_VERSION=$("$HUGO" version | head -n 1)
REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=""
if [ -n "$(cd "$ROOT" && git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    DIRTY=" + uncommitted changes in src/"
fi
NPROC=$(nproc)
MEM=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
FSTYPE=$(df -PT "$WORK" | awk 'NR == 2 {print $2}')

# Does this errdocs know `[code_pages]` (a page per code, on by default when it does)? The
# comparison turns it off (Hugo renders the /errors/ tables only); a second comparison turns it
# on for both tools.
gen "$WORK/probe" 20 2 2 off
if "$ERRDOCS" check --root "$WORK/probe/errdocs" >"$WORK/probe.log" 2>&1; then
    CODE_PAGES_MODE=off
elif grep -q 'code_pages' "$WORK/probe.log"; then
    CODE_PAGES_MODE=omit
else
    cat "$WORK/probe.log" >&2
    die "errdocs check fails on a 20-code generated site"
fi
rm -rf "$WORK/probe"
log "errdocs [code_pages] support: $([ "$CODE_PAGES_MODE" = off ] && echo yes || echo no)"

# check_code_pages OUT CODES_TXT TOOL: /errors/CODE/index.html exists for every code.
check_code_pages() {
    local missing
    missing=$(while read -r c; do [ -f "$1/errors/$c/index.html" ] || echo "$c"; done <"$2" | head -n 5)
    [ -z "$missing" ] || die "$3: code pages missing under $1/errors/, e.g. $(echo $missing)"
    log "$3: a page for each of the $(wc -l <"$2") codes under /errors/CODE/"
}

# compare TITLE CODE_PAGES_MODE: generate, warm up, R alternating runs, checks, table.
compare() {
    local title=$1 mode=$2 site="$WORK/site-$2" load_start load_end
    load_start=$(cut -d' ' -f1-3 /proc/loadavg)
    log "$title: generating $CODES codes / $CATEGORIES categories / $PAGES pages (code pages $mode)"
    gen "$site" "$CODES" "$CATEGORIES" "$PAGES" "$mode"
    local oe="$WORK/out-errdocs" oh="$WORK/out-hugo"
    log "$title: warm-up build of each"
    timed errdocs "$site/errdocs" "$oe" /dev/null
    timed hugo "$site/hugo" "$oh" /dev/null
    : >"$WORK/errdocs.txt"
    : >"$WORK/hugo.txt"
    for i in $(seq 1 "$RUNS"); do
        log "$title: run $i/$RUNS"
        timed errdocs "$site/errdocs" "$oe" "$WORK/errdocs.txt"
        timed hugo "$site/hugo" "$oh" "$WORK/hugo.txt"
    done
    check_anchors "$oe/errors/index.html" "$site/codes.txt" errdocs
    check_anchors "$oh/errors/index.html" "$site/codes.txt" hugo
    if [ "$mode" = on ]; then
        check_code_pages "$oe" "$site/codes.txt" errdocs
        check_code_pages "$oh" "$site/codes.txt" hugo
    fi
    load_end=$(cut -d' ' -f1-3 /proc/loadavg)
    local ef hf eb hb
    ef=$(find "$oe" -type f | wc -l); hf=$(find "$oh" -type f | wc -l)
    eb=$(du -sk "$oe" | cut -f1); hb=$(du -sk "$oh" | cut -f1)
    python3 - "$WORK/errdocs.txt" "$WORK/hugo.txt" <<PY
import statistics, sys
def load(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    wall = [r[0] for r in rows]
    return (statistics.median(wall), min(wall), max(wall),
            statistics.median(r[2] + r[3] for r in rows), statistics.median(r[1] for r in rows))
e, h = load(sys.argv[1]), load(sys.argv[2])
print("## $title")
print()
print("- Machine: $NPROC cores ($CPU_MODEL), $MEM RAM")
print("- errdocs: target/release/errdocs built from $REV$DIRTY")
print("- Hugo: $HUGO_VERSION")
print("- Site: $CODES codes, $CATEGORIES categories, $PAGES pages, code pages $mode (scripts/gen_bench_site.py, seed 1)")
print("- Runs: 1 warm-up + $RUNS timed builds each, alternating, fresh output directory every build")
print("- Files: sites and outputs in $(dirname "$WORK") ($FSTYPE)")
print("- Load average (1/5/15 min) before: $load_start, after: $load_end")
print("- Output: errdocs $ef files / $eb KiB, Hugo $hf files / $hb KiB; every code anchor checked in both")
print()
print("| | median wall | min | max | median CPU (user+sys) | median peak RSS |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
mib = lambda k: f"{k / 1024:.1f} MiB"
print(f"| errdocs | {e[0]:.2f} s | {e[1]:.2f} s | {e[2]:.2f} s | {e[3]:.2f} s | {mib(e[4])} |")
print(f"| Hugo | {h[0]:.2f} s | {h[1]:.2f} s | {h[2]:.2f} s | {h[3]:.2f} s | {mib(h[4])} |")
r = lambda a, b: f"{a / b:.2f}" if b else "n/a"
print(f"| errdocs / Hugo | {r(e[0], h[0])} | {r(e[1], h[1])} | {r(e[2], h[2])} | {r(e[3], h[3])} | {r(e[4], h[4])} |")
print()
if e[0] < h[0]:
    mem = (f"uses {h[4] / e[4]:.1f}x less peak memory" if e[4] < h[4]
           else f"uses {e[4] / h[4]:.1f}x Hugo's peak memory")
    print(f"**errdocs is {h[0] / e[0]:.1f}x faster than Hugo** (median wall time) and {mem}.")
else:
    print(f"**errdocs is SLOWER than Hugo: {e[0] / h[0]:.2f}x Hugo's median wall time.**")
print()
PY
    printf 'Raw runs (wall s, peak RSS KiB, user s, sys s):\n\n```text\n'
    paste -d' ' <(sed 's/^/errdocs /' "$WORK/errdocs.txt") <(sed 's/^/| hugo /' "$WORK/hugo.txt")
    printf '```\n\n'
    rm -rf "$site" "$oe" "$oh"
}

compare "errdocs vs Hugo" "$CODE_PAGES_MODE"
if [ "$CODE_PAGES_MODE" = off ] && [ "$CODE_PAGES" = 1 ]; then
    compare "errdocs vs Hugo, with a page per code" on
elif [ "$CODE_PAGES" = 1 ]; then
    printf '## errdocs vs Hugo, with a page per code\n\nSkipped: this errdocs has no `[code_pages]` setting.\n\n'
fi

# --- 6. scaling ---------------------------------------------------------------------------------
if [ "$SCALING" = 1 ]; then
    printf '## errdocs scaling (%s pages, %s categories, code pages %s, %s runs each, 1 warm-up, files on %s)\n\n' \
        "$PAGES" "$CATEGORIES" "$CODE_PAGES_MODE" "$SCALE_RUNS" "$FSTYPE"
    : >"$WORK/scaling.txt"
    for n in $SCALE_CODES; do
        log "scaling: $n codes"
        rm -rf "$WORK/scale"
        gen "$WORK/scale" "$n" "$CATEGORIES" "$PAGES" "$CODE_PAGES_MODE"
        : >"$WORK/scale.txt"
        timed errdocs "$WORK/scale/errdocs" "$WORK/out-scale" /dev/null
        check_anchors "$WORK/out-scale/errors/index.html" "$WORK/scale/codes.txt" errdocs
        for i in $(seq 1 "$SCALE_RUNS"); do
            timed errdocs "$WORK/scale/errdocs" "$WORK/out-scale" "$WORK/scale.txt"
        done
        echo "$n $(stats "$WORK/scale.txt")" >>"$WORK/scaling.txt"
    done
    python3 - "$WORK/scaling.txt" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print("| codes | median wall | min | max | median peak RSS | time per code (total) | marginal time per added code |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
prev = None
for r in rows:
    n = int(r[0]); med, lo, hi, cpu, rss = map(float, r[1:])
    marginal = f"{(med - prev[1]) / (n - prev[0]) * 1e6:.1f} µs" if prev and n != prev[0] else "–"
    print(f"| {n:,} | {med:.2f} s | {lo:.2f} s | {hi:.2f} s | {rss / 1024:.1f} MiB | {med / n * 1e6:.1f} µs | {marginal} |")
    prev = (n, med)
print()
PY
fi

# --- 7. incremental rebuilds (placeholder) -------------------------------------------------------
printf '## Incremental rebuild times\n\n'
# ===================== PLACEHOLDER: incremental rebuild times =====================
# scripts/bench_watch.sh is written separately; it generates its own site and prints its own
# report. It is given the binary under test (--binary, the copy of target/release/errdocs)
# and, in its environment, ERRDOCS (the same binary) and RUNS.
if [ -f "$ROOT/scripts/bench_watch.sh" ]; then
    log "running scripts/bench_watch.sh"
    ERRDOCS="$ERRDOCS" RUNS="$RUNS" bash "$ROOT/scripts/bench_watch.sh" --binary "$ERRDOCS" \
        || die "scripts/bench_watch.sh failed"
else
    echo "Skipped: scripts/bench_watch.sh does not exist yet."
fi
# ================== END PLACEHOLDER: incremental rebuild times ==================
echo
log "done"
