#!/usr/bin/env bash
# Incremental rebuild times of `errdocs watch` on the large synthetic site.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 scripts/bench_watch.py "$@"
