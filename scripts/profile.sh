#!/usr/bin/env bash
# Where does errdocs' build time go? Profiles one build of a generated site.
#
#   bash scripts/profile.sh                          # 10000 codes, 50 categories, 500 pages
#   bash scripts/profile.sh --code-pages on          # with a page per code (errdocs' [code_pages])
#   CODES=2000 PAGES=100 bash scripts/profile.sh
#
# Options: --code-pages off|on|omit (default off, as in scripts/bench.sh's comparison),
#          --runs R (check/build timings, default 3), --keep (keep the temporary directory).
# Environment: CODES, CATEGORIES, PAGES (10000, 50, 500), BENCH_DIR (default ${TMPDIR:-/tmp}),
#              FREQ (perf sampling frequency, default 1999 Hz).
#
# Prints (Markdown):
#   1. `errdocs check` vs `errdocs build` median times (check = everything but writing files);
#   2. with `perf` (sampling, DWARF call graphs): the share of CPU samples per component
#      (self time grouped by crate: tera, syntect/oniguruma, pulldown-cmark, serde_json, malloc,
#      kernel, ...), errdocs' own functions by inclusive time, and the top symbols by self time;
#      without `perf`: `valgrind --tool=callgrind` on the same site (slow; use a smaller site)
#      and the top of `callgrind_annotate --inclusive=yes`.
# Percentages are of all CPU samples of the process, across its threads.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CODES=${CODES:-10000}
CATEGORIES=${CATEGORIES:-50}
PAGES=${PAGES:-500}
MODE=off
RUNS=3
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --code-pages) MODE=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
log() { printf '[profile] %s\n' "$*" >&2; }
die() { printf '\nprofile.sh: FAILED: %s\n' "$*" >&2; exit 1; }

log "cargo build --release"
(cd "$ROOT" && cargo build --release >"${TMPDIR:-/tmp}/errdocs-profile-cargo.log" 2>&1) || {
    tail -n 40 "${TMPDIR:-/tmp}/errdocs-profile-cargo.log" >&2
    die "cargo build --release failed"
}
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/errdocs-profile.XXXXXX")
cleanup() { if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
BIN="$WORK/errdocs"
cp "$ROOT/target/release/errdocs" "$BIN"

log "generating $CODES codes / $CATEGORIES categories / $PAGES pages (code pages $MODE)"
python3 "$ROOT/scripts/gen_bench_site.py" --codes "$CODES" --categories "$CATEGORIES" --pages "$PAGES" \
    --code-pages "$MODE" --out "$WORK/site" 2>/dev/null || die "gen_bench_site.py failed"
SITE="$WORK/site/errdocs"
OUT="$WORK/out"

# --- 1. check vs build -------------------------------------------------------------------------
"$BIN" build --root "$SITE" --output "$OUT" >/dev/null 2>&1 || {
    "$BIN" build --root "$SITE" --output "$OUT" 2>&1 | head -n 40 >&2
    die "errdocs build fails on the generated site"
}
: >"$WORK/check.txt"
: >"$WORK/build.txt"
for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -o "$WORK/t" -f '%e %M %U %S' "$BIN" check --root "$SITE" >/dev/null 2>&1
    tail -n 1 "$WORK/t" >>"$WORK/check.txt"
    rm -rf "$OUT"
    /usr/bin/time -o "$WORK/t" -f '%e %M %U %S' "$BIN" build --root "$SITE" --output "$OUT" >/dev/null 2>&1
    tail -n 1 "$WORK/t" >>"$WORK/build.txt"
done
REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(cd "$ROOT" && git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ] || REV="$REV + uncommitted changes in src/"
python3 - "$WORK/check.txt" "$WORK/build.txt" <<PY
import statistics, sys
def med(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    return (statistics.median(r[0] for r in rows), statistics.median(r[2] for r in rows),
            statistics.median(r[3] for r in rows), statistics.median(r[1] for r in rows))
c, b = med(sys.argv[1]), med(sys.argv[2])
print("## Profile: $CODES codes, $CATEGORIES categories, $PAGES pages, code pages $MODE")
print()
print("errdocs $REV; $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)")
print()
print("| command ($RUNS runs, median) | wall | user | sys | peak RSS |")
print("| --- | ---: | ---: | ---: | ---: |")
for name, r in (("errdocs check (validate + render, no writes)", c), ("errdocs build", b)):
    print(f"| {name} | {r[0]:.2f} s | {r[1]:.2f} s | {r[2]:.2f} s | {r[3] / 1024:.0f} MiB |")
print()
print(f"Writing the output accounts for about {max(b[0] - c[0], 0):.2f} s of the build's {b[0]:.2f} s wall time.")
print()
PY

# errdocs' own stage timings (ERRDOCS_TIMINGS, printed to stderr by builds that have it).
rm -rf "$OUT"
ERRDOCS_TIMINGS=1 "$BIN" build --root "$SITE" --output "$OUT" >"$WORK/timings.txt" 2>&1 || true
if grep -q '^timing:' "$WORK/timings.txt"; then
    printf '### Stages (one build with ERRDOCS_TIMINGS=1)\n\n```text\n'
    grep '^timing:' "$WORK/timings.txt"
    grep '^Built' "$WORK/timings.txt" || true
    printf '```\n\n'
fi

# --- 2. sampling profile -------------------------------------------------------------------------
if command -v perf >/dev/null 2>&1 && perf record -o "$WORK/probe.data" true >/dev/null 2>&1; then
    log "perf record (DWARF call graphs)"
    rm -rf "$OUT"
    perf record -q -F "${FREQ:-1999}" --call-graph dwarf,32768 -o "$WORK/perf.data" \
        "$BIN" build --root "$SITE" --output "$OUT" >/dev/null 2>&1 || die "perf record failed"
    log "perf report (takes a while)"
    perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,symbol -g none --percent-limit 0 \
        2>/dev/null >"$WORK/self.txt"
    perf report -i "$WORK/perf.data" --stdio --children --sort symbol -g none --percent-limit 0.5 \
        2>/dev/null >"$WORK/children.txt"
    python3 - "$WORK/self.txt" "$WORK/children.txt" <<'PY'
import re, sys
line_self = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*?)\s*$")
groups = [
    ("tera (templates)", r"^tera::|^<tera::"),
    ("syntect + oniguruma (highlighting)", r"syntect|^onig|^match_at|^forward_search|^mbc_|^onigenc|^backward_search|^slow_search|^string_cmp_ic"),
    ("pulldown-cmark (Markdown)", r"pulldown_cmark"),
    ("serde_json (template contexts, errors.json)", r"serde_json|serde_core"),
    ("toml (parsing the catalog)", r"^toml|^<toml|toml_parser|toml_datetime|serde_spanned"),
    ("hashing + hash maps", r"hashbrown|core::hash|indexmap|sip::Hasher"),
    ("errdocs' own code", r"^errdocs::|^<errdocs::"),
    ("string/format helpers (core/alloc)", r"core::str|alloc::str|alloc::string|core::fmt|CharSearcher|StrSearcher|memchr"),
]
totals, other_syms = {}, {}
rows = []
for l in open(sys.argv[1], errors="replace"):
    m = line_self.match(l)
    if not m:
        continue
    pct, dso, sym = float(m.group(1)), m.group(2), re.sub(r"\s{2,}.*$", "", m.group(3))
    rows.append((pct, dso, sym))
    if dso.startswith("[kernel"):
        g = "kernel (file writes, page faults, mmap)"
    elif dso.startswith("libc") and re.search(r"malloc|free|_int_|realloc|calloc|unlink_chunk|consolidate|tcache", sym):
        g = "malloc / free (libc)"
    elif dso.startswith("libc") and sym.startswith("__mem"):
        g = "memcpy / memcmp / memmove (libc)"
    else:
        g = next((name for name, rx in groups if re.search(rx, sym)), None)
        if g is None:
            g = "other"
    totals[g] = totals.get(g, 0.0) + pct
print("### Self time by component (perf, % of CPU samples)")
print()
print("| component | self time |")
print("| --- | ---: |")
for g, pct in sorted(totals.items(), key=lambda kv: -kv[1]):
    print(f"| {g} | {pct:.1f}% |")
print()
line_ch = re.compile(r"^\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.*?)\s*$")
seen, out = set(), []
for l in open(sys.argv[2], errors="replace"):
    m = line_ch.match(l)
    if not m:
        continue
    children, sym = float(m.group(1)), re.sub(r"\s{2,}.*$", "", m.group(3))
    name = sym.replace(" (inlined)", "")
    if not name.startswith("errdocs::") or "{closure" in name or "_::<impl" in name or name == "errdocs::main":
        continue
    name = re.sub(r"<.*", "", name)
    if name in seen:
        continue
    seen.add(name)
    out.append((children, name))
print("### errdocs functions by inclusive time (perf, % of CPU samples, >= 1%)")
print()
print("| function | inclusive |")
print("| --- | ---: |")
for children, name in out:
    if children >= 1.0:
        print(f"| `{name}` | {children:.1f}% |")
print()
print("### Top 20 symbols by self time")
print()
print("| self | object | symbol |")
print("| ---: | --- | --- |")
for pct, dso, sym in sorted(rows, key=lambda r: -r[0])[:20]:
    sym = sym if len(sym) <= 110 else sym[:107] + "..."
    print(f"| {pct:.1f}% | {dso} | `{sym}` |")
print()
PY
elif command -v valgrind >/dev/null 2>&1; then
    log "perf unavailable: valgrind --tool=callgrind on errdocs check (slow)"
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
        "$BIN" check --root "$SITE" >/dev/null 2>&1 || die "valgrind failed"
    printf '### callgrind (errdocs check), top by inclusive instructions\n\n```text\n'
    callgrind_annotate --inclusive=yes "$WORK/callgrind.out" 2>/dev/null | sed -n '1,60p'
    printf '```\n\n'
else
    echo "Neither perf nor valgrind is installed: no sampling profile."
fi
log "done"
