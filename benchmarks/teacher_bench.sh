#!/usr/bin/env bash
# Teacher benchmark on both WordNet variants: training seconds, encode throughput, prediction
# throughput at k = 100, peak memory, brute-force scoring rate as a share of sgemm (same run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f data/wordnet/tst_X_Y.txt ] || bin/lever data wordnet --out data/wordnet
[ -f data/wordnet-gloss/tst_X_Y.txt ] || bin/lever data wordnet --out data/wordnet-gloss --gloss
mkdir -p runs/bench
for v in wordnet wordnet-gloss; do
  printf '{"data": {"dir": "../../data/%s"}, "method": "teacher", "output": {"dir": ".", "model": "", "predictions": "", "report": ""}}\n' "$v" \
    > "runs/bench/teacher-$v.json"
  "${LEVER_CLI:-bin/lever}" bench teacher --config "runs/bench/teacher-$v.json" --json "runs/bench/teacher-$v-figures.json" 2>/dev/null
done
