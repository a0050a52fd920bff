#!/usr/bin/env bash
# The long fuzz run of errdocs' check pipeline.
#
#   scripts/fuzz.sh [--iterations 100000] [--seed 20260101] [--jobs 2] [--timeout 10]
#                   [--memory-mb 1024] [--minimize-secs 120] [--nice 10] [--no-save] [--verbose]
#
# Mutates the sample sites (the repository root, examples/promptgate/,
# tests/browser/fixture-site/) with the seeded mutators of tests/support/mutate.rs and checks
# each input with `errdocs::check` in worker processes capped at --memory-mb of address space
# (RLIMIT_AS) and --timeout seconds of CPU per input (tests/support/harness.rs). It prints the
# count of inputs per class (ok, diagnostics, panic, stack-overflow, oom, crash, hang,
# invariant, flaky) and the time, then for each distinct failure (a panic by its location,
# anything else by its kind and the kinds of files changed) minimizes the first input and saves
# it as tests/fuzz_regressions/NAME/ (case.json + site/; see the README there), unless an
# existing case already covers it. The run's summary and the raw first input of each failure go
# to target/fuzz-runs/seed-SEED-TIME/. Exit status: 0 when nothing failed, 1 otherwise.
#
# Same seed, same inputs: iteration i of seed S is the same case whatever --jobs is.
#
# It builds tests/fuzz.rs in release mode with debug assertions and overflow checks on (so an
# overflow is a panic, as in `cargo test`), in its own target directory
# (${CARGO_TARGET_DIR:-target}/fuzz-harness), and runs it at low priority (--nice, default 10).
# Each failure is printed as it happens; an input stopped by the wall-clock backstop (not its
# CPU limit) is checked again in a fresh worker, so a starved worker is not taken for a hang.
#
# The short run is part of `cargo test` (tests/fuzz.rs: ERRDOCS_FUZZ_ITERATIONS, default 200).
#
# Coverage-guided alternative (libFuzzer, nightly): fuzz/fuzz_targets/check.rs drives the same
# mutators from libFuzzer's input bytes:
#
#   cargo install cargo-fuzz
#   cargo +nightly fuzz run check -s none -- -rss_limit_mb=1024 -timeout=10 -max_len=4096
#
# (-s none: no sanitizer, the code is safe Rust; libFuzzer then reports a panic, stack
# overflow, an input over 1 GiB of RSS or over 10 s. Crashing inputs land in
# fuzz/artifacts/check/; `cargo +nightly fuzz run check -s none ARTIFACT` replays one.)
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=100000
seed=20260101
jobs=2
timeout=10
memory_mb=1024
minimize_secs=120
save=1
verbose=false
niceness=10

usage() { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --memory-mb) memory_mb="$2"; shift 2 ;;
    --minimize-secs) minimize_secs="$2"; shift 2 ;;
    --no-save) save=0; shift ;;
    --verbose) verbose=true; shift ;;
    --nice) niceness="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/fuzz-harness"
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
export CARGO_TERM_COLOR=never

echo "== build (release, debug assertions, overflow checks) into $CARGO_TARGET_DIR"
mkdir -p "$CARGO_TARGET_DIR"
nice cargo test --release --test fuzz --no-run --message-format=json-render-diagnostics \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' >"$CARGO_TARGET_DIR/fuzz-exe.txt"
exe=$(tail -n 1 "$CARGO_TARGET_DIR/fuzz-exe.txt")
[ -x "$exe" ] || { echo "no test executable built" >&2; exit 2; }

run_dir="$PWD/target/fuzz-runs/seed-$seed-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir"
# The workers are this binary run again: a copy, so a rebuild during the run cannot mix versions.
cp "$exe" "$run_dir/fuzz-harness"
export ERRDOCS_FUZZ_SEED="$seed"
export ERRDOCS_FUZZ_ITERATIONS="$iterations"
export ERRDOCS_FUZZ_JOBS="$jobs"
export ERRDOCS_FUZZ_TIMEOUT="$timeout"
export ERRDOCS_FUZZ_MEMORY_MB="$memory_mb"
export ERRDOCS_FUZZ_MINIMIZE_SECS="$minimize_secs"
export ERRDOCS_FUZZ_RUN_DIR="$run_dir"
export ERRDOCS_FUZZ_VERBOSE="$verbose"
if [ "$save" = 1 ]; then
  export ERRDOCS_FUZZ_SAVE="$PWD/tests/fuzz_regressions"
fi

echo "== fuzz: seed $seed, $iterations iterations, $jobs jobs (summary: $run_dir/summary.md)"
started=$(date +%s)
status=0
nice -n "$niceness" "$run_dir/fuzz-harness" --ignored --exact fuzz_long --nocapture || status=$?
echo "== done in $(( $(date +%s) - started )) s; summary: $run_dir/summary.md"
[ "$status" = 0 ] || exit 1
