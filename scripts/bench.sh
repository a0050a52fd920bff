#!/usr/bin/env bash
# errdocs vs its peers (mdBook, a minimal Hugo site, a rich Hugo site) on the same synthetic
# error reference, in the same run.
#
#   bash scripts/bench.sh                     # defaults: 10000 codes, 50 categories, 500 pages, 5 runs
#   bash scripts/bench.sh --codes 1000 --pages 50 --runs 1 --scale "1000 2000" --no-watch   # a quick try
#   bash scripts/bench.sh --peers "mdbook hugo-min" --no-scaling
#
# Options (or the environment variable in brackets):
#   --runs R           timed builds per tool, in alternation [RUNS, default 5]
#   --warmup W         untimed warm-up builds per tool before them [WARMUP, default 1]
#   --cp-runs R        timed `cp -r` copies of each tool's output (the copy floor), one after each
#                      of the first R timed builds [CP_RUNS, default RUNS]
#   --peers "P ..."    the peers errdocs is compared with, any of mdbook, hugo-min, hugo
#                      [PEERS, default "mdbook hugo-min hugo"]
#   --scale-runs R     timed builds per size of the scaling series [SCALE_RUNS, default RUNS]
#   --scale "A B C"    code counts of the scaling series [SCALE_CODES, default "1000 10000 100000"]
#   --scale-peers "P"  peers measured in the scaling series besides errdocs
#                      [SCALE_PEERS, default: mdbook and hugo-min, those of them in --peers]
#   --scale-cp         also time `cp -r` of every output of the scaling series [SCALE_CP=1]
#   --peer-timeout S   a peer whose build takes longer than S seconds at a size is skipped at that
#                      size (and the larger ones of the series), with a printed note; it is also
#                      skipped without trying when its measured smaller sizes extrapolate
#                      above S (power law through its last two sizes, exponent between 1 and 2).
#                      0: no limit. errdocs is never skipped. [PEER_TIMEOUT, default 600]
#   --slow S           a tool (errdocs too) whose first warm-up build takes S seconds or more is
#                      timed once at that size: that build is its only timed run (noted in the
#                      tables); minutes-long builds gain nothing from a warm-up. 0: off. [SLOW, default 120]
#   --no-scaling       skip the scaling series
#   --no-code-pages    skip everything with a page per code (the second comparison and the
#                      code-pages-on scaling series) [CODE_PAGES=0]
#   --modes "off on"   which code-page modes to run, comparison and scaling [MODES, default "off on"]
#   --no-watch         skip the incremental rebuild section (scripts/bench_watch.sh) [WATCH=0]
#   --codes N, --categories C, --pages P
#                      size of the comparison site [CODES, CATEGORIES, PAGES: 10000, 50, 500]
#   --settle S         how every build and copy gets a fresh output directory [SETTLE, default 35]:
#                      S > 0: the previous output is moved aside (a rename: nothing is freed), the
#                      moved trees are deleted at the end of each series (size and mode), and the
#                      next series starts S seconds later. 0: the previous output is deleted right
#                      before each build and copy (the method of runs before 2026-11-24). Why: on
#                      ext4, an inode freed less than about 35 s ago (dirty_expire_centisecs / 100,
#                      +5 while its table block is dirty) is skipped when a new file or directory
#                      is created, and the search revisits every such inode for every creation;
#                      deleting a tree right before a build makes each file of the build cost
#                      time in proportion to the files just deleted, a cost quadratic in the
#                      size of the tool's own output that no first build or CI run pays.
#   --keep             keep the temporary directory (sites, outputs, raw results) and print its path [KEEP=1]
#   BENCH_DIR (environment only) where the sites are generated and built (default ${TMPDIR:-/tmp});
#     e.g. BENCH_DIR=/dev/shm to take the disk out of the measurement
#   BENCH_CACHE (environment only) where mdBook is installed (default ~/.cache/errdocs-bench);
#     MDBOOK=/path/to/mdbook uses that binary instead; MDBOOK_VERSION pins the version
#     `cargo install` fetches (default: the newest)
#
# The peers (sites written by scripts/gen_bench_site.py from the same catalog and Markdown):
#   mdbook    mdBook with its default theme: SUMMARY.md lists the home page, the errors page and
#             the 500 guides (and, with code pages, one chapter per code, errors/CODE.md, under
#             the errors page); the catalog is pre-rendered to Markdown tables, one per category,
#             each code with `<a id="CODE"></a>` in its first cell; links rewritten to relative
#             `.md` links. Two mdBook outputs errdocs has no equivalent of are turned off in
#             book.toml: the full-text search index (errdocs ships no search index: its code
#             filter narrows the tables already in the page, in the browser, and the benchmark
#             site does not even use it) and print.html (every chapter again in one page; errdocs
#             writes no such page). Keeping them would make mdBook do work errdocs does not.
#             mdBook highlights code in the browser (highlight.js), errdocs and Hugo at build time.
#   hugo-min  Hugo with minimal layouts: no navigation, no shortcodes; the errors page is a layout
#             template ranging over the data file (the same catalog TOML), a table per category
#             with `<tr id="CODE">`; `markdownify` only on each code's fix (and the 50 category
#             descriptions, the envelope texts, the retry notes once per status).
#   hugo      the rich Hugo site of earlier runs: the full navigation (all pages) on every page,
#             the errdocs directives as shortcodes, `markdownify` on every fix/description/note.
#   Both Hugo sites: taxonomies, RSS, sitemap, robots.txt and section lists off (errdocs writes
#   none), `markup.highlight.noClasses = false` (CSS classes, like errdocs). No peer checks
#   links; errdocs checks every link and anchor of every page in these timings, and also
#   writes errors.json, errors.schema.json and urls.txt.
#
# What it does:
#   1. installs Hugo (`apt-get install -y hugo`) and GNU time (`time`) if missing, and mdBook
#      with `cargo install mdbook --locked --root $BENCH_CACHE` if $BENCH_CACHE/bin/mdbook is
#      missing; prints every tool's version;
#   2. `cargo build --release` in this repository, then copies target/release/errdocs into the
#      temporary directory so a concurrent rebuild of target/ cannot change the binary mid-run;
#   3. comparison at CODES codes, code pages off: generates the sites, W warm-up builds of each
#      tool, then R builds of each in alternation (errdocs, peer 1, peer 2, ..., errdocs, ...),
#      every build into a fresh output directory (see --settle), measured with
#      `/usr/bin/time -f '%e %M %U %S'` (wall s, peak RSS KiB, user s, system s); then checks
#      every output (every code has exactly one element with id="CODE" in the HTML files that
#      are not code pages; with code pages, a page for each code exists; fails loudly
#      otherwise) and measures its size (`du -sb`, files, largest page, code page sizes);
#      right after each of the first --cp-runs timed builds, it times `cp -r OUT OUT.copy` of
#      that output into a fresh directory (the floor for writing that tree on this file system,
#      taken in the same state of it as the build; the median is reported);
#   4. the same with a page per code (errdocs' `[code_pages]`, on by default in errdocs; the
#      Hugo sites get one content file per code at /errors/CODE/, mdBook one chapter per code);
#   5. scaling series: errdocs and the scale peers at 1,000 / 10,000 / 100,000 codes (500 pages,
#      50 categories), code pages off and on: time, peak RSS, output size (sizes already
#      measured by the comparisons are reused, not rebuilt);
#   6. incremental rebuild times: scripts/bench_watch.sh, if it exists, on the comparison's size
#      with code pages on (a page edit; a one-code catalog edit);
#   7. the targets: the ratios the project tracks, computed from the figures above (the catalog
#      edit of 6 included).
#
# The tables on stdout are Markdown; progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
CP_RUNS=${CP_RUNS:-}
PEERS=${PEERS:-"mdbook hugo-min hugo"}
SCALE_RUNS=${SCALE_RUNS:-}
SCALE_CODES=${SCALE_CODES:-"1000 10000 100000"}
SCALE_PEERS=${SCALE_PEERS:-}
SCALE_CP=${SCALE_CP:-0}
PEER_TIMEOUT=${PEER_TIMEOUT:-600}
SLOW=${SLOW:-120}
CODES=${CODES:-10000}
CATEGORIES=${CATEGORIES:-50}
PAGES=${PAGES:-500}
KEEP=${KEEP:-0}
SETTLE=${SETTLE:-35}
SCALING=1
CODE_PAGES=${CODE_PAGES:-1}
MODES_OPT=${MODES:-"off on"}
WATCH=${WATCH:-1}
CACHE=${BENCH_CACHE:-$HOME/.cache/errdocs-bench}

while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --cp-runs) CP_RUNS=$2; shift 2 ;;
        --peers) PEERS=$2; shift 2 ;;
        --scale-runs) SCALE_RUNS=$2; shift 2 ;;
        --scale) SCALE_CODES=$2; shift 2 ;;
        --scale-peers) SCALE_PEERS=$2; shift 2 ;;
        --scale-cp) SCALE_CP=1; shift ;;
        --peer-timeout) PEER_TIMEOUT=$2; shift 2 ;;
        --slow) SLOW=$2; shift 2 ;;
        --no-scaling) SCALING=0; shift ;;
        --no-code-pages) CODE_PAGES=0; shift ;;
        --modes) MODES_OPT=$2; shift 2 ;;
        --no-watch) WATCH=0; shift ;;
        --codes) CODES=$2; shift 2 ;;
        --categories) CATEGORIES=$2; shift 2 ;;
        --pages) PAGES=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
SCALE_RUNS=${SCALE_RUNS:-$RUNS}
CP_RUNS=${CP_RUNS:-$RUNS}
for v in "$RUNS" "$SCALE_RUNS" "$CP_RUNS" "$WARMUP" "$PEER_TIMEOUT" "$SLOW" "$CODES" "$CATEGORIES" "$PAGES" $SCALE_CODES; do
    case "$v" in *[!0-9]*|"") echo "bench.sh: numbers must be non-negative integers (got '$v')" >&2; exit 2 ;; esac
done
[ "$RUNS" -ge 1 ] && [ "$SCALE_RUNS" -ge 1 ] && [ "$CP_RUNS" -ge 1 ] || { echo "bench.sh: runs must be >= 1" >&2; exit 2; }
for p in $PEERS $SCALE_PEERS; do
    case "$p" in mdbook|hugo|hugo-min) ;; *) echo "bench.sh: unknown peer '$p' (mdbook, hugo-min, hugo)" >&2; exit 2 ;; esac
done
if [ -z "$SCALE_PEERS" ]; then
    for p in mdbook hugo-min; do case " $PEERS " in *" $p "*) SCALE_PEERS="$SCALE_PEERS $p" ;; esac; done
fi
PEERS=$(echo $PEERS); SCALE_PEERS=$(echo $SCALE_PEERS)

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
    printf '\nbench.sh: FAILED: %s\n' "$*" >&2
    exit 1
}
uses() { case " $PEERS $SCALE_PEERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

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
if uses hugo || uses hugo-min; then
    command -v hugo >/dev/null 2>&1 || apt_install hugo
fi
[ -x /usr/bin/time ] || apt_install time
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) is required"
command -v python3 >/dev/null 2>&1 || die "python3 is required (scripts/gen_bench_site.py)"
HUGO=$(command -v hugo || true)
TIME=/usr/bin/time
MDBOOK=${MDBOOK:-}
if uses mdbook && [ -z "$MDBOOK" ]; then
    MDBOOK="$CACHE/bin/mdbook"
    if [ ! -x "$MDBOOK" ]; then
        log "installing mdBook: cargo install mdbook --locked --root $CACHE (a few minutes)"
        mkdir -p "$CACHE"
        cargo install mdbook --locked --root "$CACHE" ${MDBOOK_VERSION:+--version "$MDBOOK_VERSION"} \
            >"$CACHE/cargo-install.log" 2>&1 || {
            tail -n 40 "$CACHE/cargo-install.log" >&2
            die "cargo install mdbook failed (log: $CACHE/cargo-install.log)"
        }
    fi
fi

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
RES="$WORK/results"
mkdir -p "$RES"
REPORT=(python3 "$ROOT/scripts/bench_report.py")
TRASH="$WORK/trash"
mkdir -p "$TRASH"

# --- helpers ------------------------------------------------------------------------------------

# gen DIR CODES CATEGORIES PAGES CODE_PAGES(off|on|omit) "TOOLS"
gen() {
    python3 "$ROOT/scripts/gen_bench_site.py" --codes "$2" --categories "$3" --pages "$4" \
        --code-pages "$5" --tools "$6" --out "$1" 2>/dev/null \
        || die "scripts/gen_bench_site.py --codes $2 --categories $3 --pages $4 --code-pages $5 --tools '$6' failed"
}

# fresh DIR: DIR does not exist afterwards. With --settle, a DIR that exists is moved into the
# trash (a rename frees no inode), emptied by settle(); without, it is deleted.
fresh() {
    if [ ! -e "$1" ]; then return 0; fi
    if [ "$SETTLE" -gt 0 ]; then
        mv "$1" "$(mktemp -u "$TRASH/old.XXXXXXXX")"
    else
        rm -rf "$1"
    fi
}

# settle: deletes the trees moved aside, then (with --settle) waits until the inodes they held
# are no longer "recently deleted" for ext4, so the next series starts on a settled file system.
settle() {
    rm -rf "$TRASH"
    mkdir -p "$TRASH"
    if [ "$SETTLE" -gt 0 ]; then
        log "settling for ${SETTLE} s after deleting this series' outputs (--settle)"
        sleep "$SETTLE"
    fi
}

# tool_cmd TOOL SITE OUT: sets CMD to the build command of TOOL (the one place to change them).
tool_cmd() {
    case "$1" in
        errdocs) CMD=("$ERRDOCS" build --root "$2" --output "$3") ;;
        hugo|hugo-min) CMD=("$HUGO" --source "$2" --destination "$3" --quiet) ;;
        mdbook) CMD=("$MDBOOK" build "$2" --dest-dir "$3") ;;
        *) die "unknown tool $1" ;;
    esac
}

# timed TOOL SITE_DIR OUT RESULTS_FILE LIMIT_S: one build into a fresh OUT; appends
# "wall rss user sys" to RESULTS_FILE. Returns 124 if it ran longer than LIMIT_S (0: no limit).
timed() {
    local tool=$1 site=$2 out=$3 results=$4 limit=$5 tfile="$WORK/time.txt" logf="$WORK/build.log"
    fresh "$out"
    rm -f "$tfile"
    tool_cmd "$tool" "$site" "$out"
    local rc=0
    if [ "$limit" -gt 0 ]; then
        # timeout signals its whole process group (GNU time and the tool) when the time is up.
        timeout --kill-after=30 "$limit" "$TIME" -o "$tfile" -f '%e %M %U %S' "${CMD[@]}" >"$logf" 2>&1 || rc=$?
    else
        "$TIME" -o "$tfile" -f '%e %M %U %S' "${CMD[@]}" >"$logf" 2>&1 || rc=$?
    fi
    if [ "$limit" -gt 0 ] && { [ "$rc" = 124 ] || [ "$rc" = 137 ]; }; then
        rm -rf "$out"
        return 124
    fi
    if [ "$rc" != 0 ]; then
        printf '\n===== %s build of %s failed (exit %s); its output: =====\n' "$tool" "$site" "$rc" >&2
        head -n 60 "$logf" >&2
        die "$tool build failed"
    fi
    # GNU time prints "Command exited with non-zero status" lines first when it fails: keep the last line.
    tail -n 1 "$tfile" >>"$results"
}

# copy_floor OUT RESULTS_FILE: one timed `cp -r OUT OUT.copy` into a fresh directory.
copy_floor() {
    local out=$1 results=$2 tfile="$WORK/time.txt"
    fresh "$out.copy"
    "$TIME" -o "$tfile" -f '%e %M %U %S' cp -r "$out" "$out.copy" || die "cp -r $out failed"
    tail -n 1 "$tfile" >>"$results"
    fresh "$out.copy"
}

# measure CODES MODE(off|on) RUNS CP_RUNS "TOOLS": generate, warm up, alternate timed runs,
# check the outputs, time the copies; results in $RES/TOOL.CODES.MODE.*. Peers that exceed
# PEER_TIMEOUT (or are estimated to) get a .skip file instead.
measure() {
    local n=$1 mode=$2 runs=$3 cp_runs=$4 tools=$5 site="$WORK/site" gmode=$2 t i active=() kept est
    [ "$mode" = off ] && gmode=$GEN_OFF
    for t in $tools; do
        if [ -f "$RES/$t.$n.$mode.runs" ] || [ -f "$RES/$t.$n.$mode.skip" ]; then continue; fi
        if [ "$t" != errdocs ] && [ "$PEER_TIMEOUT" -gt 0 ]; then
            if [ -f "$RES/$t.gave-up.$mode" ] && [ "$n" -ge "$(cat "$RES/$t.gave-up.$mode")" ]; then
                echo "not run: over the ${PEER_TIMEOUT} s limit (--peer-timeout) at $(cat "$RES/$t.gave-up.$mode") codes already" >"$RES/$t.$n.$mode.skip"
                continue
            fi
            est=$("${REPORT[@]}" estimate --res "$RES" --tool "$t" --mode "$mode" --codes "$n")
            if [ -n "$est" ] && [ "${est%% *}" -gt "$PEER_TIMEOUT" ]; then
                set -- $est
                echo "not run: estimated ${1} s per build (from $3 s at $2 codes), over the ${PEER_TIMEOUT} s limit (--peer-timeout)" >"$RES/$t.$n.$mode.skip"
                echo "$n" >"$RES/$t.gave-up.$mode"
                log "$t at $n codes (code pages $mode): $(cat "$RES/$t.$n.$mode.skip")"
                continue
            fi
        fi
        active+=("$t")
    done
    [ ${#active[@]} -gt 0 ] || return 0
    log "generating $n codes / $CATEGORIES categories / $PAGES pages, code pages $mode, for: ${active[*]}"
    rm -rf "$site"
    gen "$site" "$n" "$CATEGORIES" "$PAGES" "$gmode" "${active[*]}"
    echo -n "$(cut -d' ' -f1-3 /proc/loadavg)|" >"$RES/load.$n.$mode"
    # limit_of TOOL: the time limit of one build of TOOL.
    limit_of() { if [ "$1" = errdocs ]; then echo 0; else echo "$PEER_TIMEOUT"; fi; }
    # give_up TOOL WHAT: TOOL ran over the limit; drop it from this size and the larger ones.
    give_up() {
        echo "$2 took longer than the ${PEER_TIMEOUT} s limit (--peer-timeout)" >"$RES/$1.$n.$mode.skip"
        echo "$n" >"$RES/$1.gave-up.$mode"
        rm -f "$RES/$1.$n.$mode.runs"
        log "$1 at $n codes (code pages $mode): $2 took longer than ${PEER_TIMEOUT} s, skipped"
    }
    local done_=() wall
    for t in "${active[@]}"; do
        : >"$RES/$t.$n.$mode.runs"
        if [ "$cp_runs" -gt 0 ]; then : >"$RES/$t.$n.$mode.cp"; fi
    done
    for i in $(seq 1 "$WARMUP"); do
        kept=()
        for t in "${active[@]}"; do
            log "$n codes, code pages $mode: warm-up $i/$WARMUP: $t"
            : >"$WORK/warm.txt"
            if ! timed "$t" "$site/$t" "$WORK/out-$t" "$WORK/warm.txt" "$(limit_of "$t")"; then
                give_up "$t" "a warm-up build"; continue
            fi
            wall=$(cut -d' ' -f1 "$WORK/warm.txt")
            if [ "$SLOW" -gt 0 ] && [ "$i" = 1 ] && [ "${wall%.*}" -ge "$SLOW" ]; then
                # Minutes-long builds: the warm-up is the one timed run at this size.
                cat "$WORK/warm.txt" >>"$RES/$t.$n.$mode.runs"
                echo "timed once: its first build took ${wall} s (>= ${SLOW} s, --slow), so that build is its only timed run" >"$RES/$t.$n.$mode.note"
                log "$t at $n codes (code pages $mode): ${wall} s, timed once (--slow $SLOW)"
                done_+=("$t")
                if [ "$cp_runs" -gt 0 ]; then
                    log "$n codes, code pages $mode: cp -r of $t's output"
                    copy_floor "$WORK/out-$t" "$RES/$t.$n.$mode.cp"
                fi
            else
                kept+=("$t")
            fi
        done
        active=("${kept[@]}")
    done
    for i in $(seq 1 "$runs"); do
        kept=()
        for t in "${active[@]}"; do
            log "$n codes, code pages $mode: run $i/$runs: $t"
            if timed "$t" "$site/$t" "$WORK/out-$t" "$RES/$t.$n.$mode.runs" "$(limit_of "$t")"; then
                kept+=("$t")
                # The copy floor right after the build, in the same state of the file system
                # (on ext4, creating files gets slower as trees are deleted and re-created).
                if [ "$i" -le "$cp_runs" ]; then
                    log "$n codes, code pages $mode: cp -r of $t's output, $i/$cp_runs"
                    copy_floor "$WORK/out-$t" "$RES/$t.$n.$mode.cp"
                fi
            else give_up "$t" "timed build $i"; fi
        done
        active=("${kept[@]}")
    done
    for i in $(seq $((runs + 1)) "$cp_runs"); do
        for t in "${active[@]}"; do
            log "$n codes, code pages $mode: cp -r of $t's output, $i/$cp_runs"
            copy_floor "$WORK/out-$t" "$RES/$t.$n.$mode.cp"
        done
    done
    cut -d' ' -f1-3 /proc/loadavg >>"$RES/load.$n.$mode"
    active=("${done_[@]}" "${active[@]}")
    for t in "${active[@]}"; do
        "${REPORT[@]}" check --tool "$t" --out "$WORK/out-$t" --codes "$site/codes.txt" --mode "$mode" \
            >"$RES/$t.$n.$mode.json" || die "the check of $t's output failed ($n codes, code pages $mode)"
    done
    for t in "${active[@]}"; do fresh "$WORK/out-$t"; done
    fresh "$site"
    settle
}

# --- setup ------------------------------------------------------------------------------------
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=""
if [ -n "$(cd "$ROOT" && git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    DIRTY=" + uncommitted changes in src/"
fi
NPROC=$(nproc)
MEM=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
FSTYPE=$(df -PT "$WORK" | awk 'NR == 2 {print $2}')
KERNEL=$(uname -r)
OS=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}" || true)

# Does this errdocs know `[code_pages]` (a page per code, on by default when it does)? The
# code-pages-off runs turn it off; the code-pages-on runs turn it on for every tool.
gen "$WORK/probe" 20 2 2 off errdocs
if "$ERRDOCS" check --root "$WORK/probe/errdocs" >"$WORK/probe.log" 2>&1; then
    GEN_OFF=off
elif grep -q 'code_pages' "$WORK/probe.log"; then
    GEN_OFF=omit
else
    cat "$WORK/probe.log" >&2
    die "errdocs check fails on a 20-code generated site"
fi
rm -rf "$WORK/probe"
log "errdocs [code_pages] support: $([ "$GEN_OFF" = off ] && echo yes || echo no)"
MODES=""
for m in $MODES_OPT; do
    case "$m" in
        off) MODES="$MODES off" ;;
        on) if [ "$CODE_PAGES" = 1 ] && [ "$GEN_OFF" = off ]; then MODES="$MODES on"; fi ;;
        *) die "unknown mode '$m' in --modes (off, on)" ;;
    esac
done

echo "# errdocs vs mdBook and Hugo"
echo
echo "- Machine: $NPROC cores ($CPU_MODEL), $MEM RAM; kernel $KERNEL${OS:+, $OS}"
echo "- Files: sites and outputs in $(dirname "$WORK") ($FSTYPE)"
if [ "$SETTLE" -gt 0 ]; then
    echo "- Output directories: each build and copy writes a new one; earlier outputs are moved aside, deleted at the end of each series, and the next series starts ${SETTLE} s later (--settle: no build runs right after a deletion)"
else
    echo "- Output directories: each build and copy first deletes the previous output (--settle 0)"
fi
echo "- errdocs: target/release/errdocs built from $REV$DIRTY ($(rustc --version 2>/dev/null || echo 'rustc ?'))"
for p in $PEERS $SCALE_PEERS; do echo "$p"; done | sort -u | while read -r p; do
    case "$p" in
        mdbook) echo "- mdBook: $("$MDBOOK" --version 2>&1 | head -n 1) ($MDBOOK)" ;;
        hugo) echo "- Hugo (rich): $("$HUGO" version | head -n 1)" ;;
        hugo-min) echo "- Hugo (minimal): the same Hugo, $("$HUGO" version | head -n 1 | cut -d' ' -f1-2)" ;;
    esac
done
echo "- Measured with: GNU time $(dpkg-query -W -f='${Version}' time 2>/dev/null || echo '?') (\`/usr/bin/time -f '%e %M %U %S'\`), \`cp\` from $(cp --version | head -n 1); generator: $(python3 --version 2>&1)"
echo "- Options: --runs $RUNS --warmup $WARMUP --cp-runs $CP_RUNS --peers \"$PEERS\" --scale \"$SCALE_CODES\" --scale-runs $SCALE_RUNS --scale-peers \"$SCALE_PEERS\" --peer-timeout $PEER_TIMEOUT --slow $SLOW$([ "$SCALING" = 1 ] || echo ' --no-scaling')$([ "$CODE_PAGES" = 1 ] || echo ' --no-code-pages') --modes \"$(echo $MODES)\""
echo

# --- 3-4. the comparisons -----------------------------------------------------------------------
for mode in $MODES; do
    title="errdocs vs peers, $CODES codes, code pages $mode"
    log "$title"
    measure "$CODES" "$mode" "$RUNS" "$CP_RUNS" "errdocs $PEERS"
    "${REPORT[@]}" compare --res "$RES" --codes "$CODES" --categories "$CATEGORIES" --pages "$PAGES" \
        --mode "$mode" --tools "errdocs $PEERS" --title "$title" --runs "$RUNS" --warmup "$WARMUP" --cp-runs "$CP_RUNS"
done
if [ "$CODE_PAGES" = 1 ] && [ "$GEN_OFF" != off ] && [[ " $MODES_OPT " == *" on "* ]]; then
    printf '## errdocs vs peers, with a page per code\n\nSkipped: this errdocs has no `[code_pages]` setting.\n\n'
fi

# --- 5. scaling ---------------------------------------------------------------------------------
if [ "$SCALING" = 1 ]; then
    for mode in $MODES; do
        for n in $SCALE_CODES; do
            measure "$n" "$mode" "$SCALE_RUNS" "$([ "$SCALE_CP" = 1 ] && echo "$CP_RUNS" || echo 0)" "errdocs $SCALE_PEERS"
        done
        printf '## Scaling: %s pages, %s categories, code pages %s (%s warm-up + %s runs each; the %s-code rows are the comparison'"'"'s)\n\n' \
            "$PAGES" "$CATEGORIES" "$mode" "$WARMUP" "$SCALE_RUNS" "$CODES"
        "${REPORT[@]}" scaling --res "$RES" --sizes "$SCALE_CODES" --mode "$mode" --tools "errdocs $SCALE_PEERS"
    done
fi

# --- 6. incremental rebuilds (before the targets, which include them) --------------------------------------------------------------------
if [ "$WATCH" = 1 ]; then
    printf '## Incremental rebuild times\n\n'
    # scripts/bench_watch.sh generates its own site and prints its own report. It is given the
    # binary under test (--binary, the copy of target/release/errdocs) and, in its environment,
    # ERRDOCS (the same binary) and RUNS.
    if [ -f "$ROOT/scripts/bench_watch.sh" ]; then
        log "running scripts/bench_watch.sh"
        ERRDOCS="$ERRDOCS" RUNS="$RUNS" bash "$ROOT/scripts/bench_watch.sh" --binary "$ERRDOCS" \
            --codes "$CODES" --categories "$CATEGORIES" --pages "$PAGES" --json "$RES/watch.json" \
            || die "scripts/bench_watch.sh failed"
    else
        echo "Skipped: scripts/bench_watch.sh does not exist."
    fi
    echo
fi
# --- 7. targets ---------------------------------------------------------------------------------
"${REPORT[@]}" targets --res "$RES" --codes "$CODES" --sizes "$([ "$SCALING" = 1 ] && echo "$SCALE_CODES")" \
    --watch "$([ "$WATCH" = 1 ] && echo "$RES/watch.json")"

log "done"
