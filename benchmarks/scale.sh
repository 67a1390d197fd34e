#!/usr/bin/env bash
# Lever at 15K (WordNet lemma), 131K and, with --million, 1M labels (synthetic sets from
# `lever data synthetic`, twice as many training rows as labels): train time per stage, peak memory,
# model size, batch throughput at k = 100, single-text latency. Prints figures only.
#   benchmarks/scale.sh [--million] [--teacher-epochs N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sizes=(131072)
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --million) sizes+=(1048576); shift ;;
    --teacher-epochs) args+=(--teacher-epochs "$2"); shift 2 ;;
    *) echo "usage: benchmarks/scale.sh [--million] [--teacher-epochs N]" >&2; exit 2 ;;
  esac
done
scripts/setup.sh --python > /dev/null
scripts/build.sh > /dev/null
[ -f data/wordnet/tst_X_Y.txt ] || bin/lever data wordnet --out data/wordnet
sets=(data/wordnet)
for n in "${sizes[@]}"; do
  dir="data/synthetic-$n"
  [ -f "$dir/tst_X_Y.txt" ] || bin/lever data synthetic --out "$dir" --labels "$n" --rows $((2 * n)) --seed 1
  sets+=("$dir")
done
exec .venv/bin/python benchmarks/scale.py "${sets[@]}" "${args[@]}"
