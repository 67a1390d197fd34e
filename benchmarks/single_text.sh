#!/usr/bin/env bash
# Single-text latency through the C API (benchmarks/single_text.c): p50 and p99 of
# lever_model_predict_ex on one text at a time, one thread, pinned to one core when taskset exists.
#   benchmarks/single_text.sh MODEL TEXTS [N] [RUNS]     e.g. runs/wordnet/model.lever data/wordnet/tst_X.txt
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 MODEL TEXTS [N] [RUNS]" >&2; exit 2; }
"$root/scripts/build.sh" > /dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cc -std=c99 -O2 -Wall -Wextra -Werror -I"$root/include" "$root/benchmarks/single_text.c" \
   -L"$root/build/lib" -llever -Wl,-rpath,"$root/build/lib" -o "$out/single_text"
pin=()
command -v taskset > /dev/null && pin=(taskset -c 1)
"${pin[@]}" "$out/single_text" "$@"
