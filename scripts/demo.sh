#!/usr/bin/env bash
# The main job on the default data: set up, build, make the WordNet dataset, train and evaluate.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh
scripts/build.sh
[ -f data/wordnet/tst_X_Y.txt ] || bin/lever data wordnet --out data/wordnet
bin/lever train --config configs/wordnet.json
