#!/usr/bin/env bash
# Label-sharded training on Dask (lever.distributed) with 1 and 2 workers against single-process
# training, on the 131K-label synthetic set (`lever data synthetic`, as benchmarks/scale.sh builds it).
# Prints wall time per phase, peak memory per worker, merge time and the predictions' agreement.
#   benchmarks/distributed.sh [DATA_DIR] [--workers 1 2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data="${1:-data/synthetic-131072}"
[ $# -gt 0 ] && shift
scripts/setup.sh --python > /dev/null
scripts/build.sh > /dev/null
if [ "$data" = "data/synthetic-131072" ] && [ ! -f "$data/tst_X_Y.txt" ]; then
  bin/lever data synthetic --out "$data" --labels 131072 --rows 262144 --seed 1
fi
exec .venv/bin/python benchmarks/sharded_training.py "$data" "$@"
