#!/usr/bin/env bash
# Lever beside omikuji (Parabel, Bonsai), napkinXC (PLT) and PECOS (XR-Linear) on the same split, in
# one run. Installs the peers into .venv-peers (PECOS pins numpy<2 and declares heavy deep-learning
# dependencies XR-Linear does not use, so it goes in with --no-deps next to numpy 1.26.4 / scipy 1.13.1).
#   benchmarks/peers.sh [--data data/wordnet] [--lever-config configs/wordnet.json] [--features word+char]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv=.venv-peers
if ! "$venv/bin/python" -c "import omikuji, napkinxc, pecos, sklearn" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check numpy==1.26.4 scipy==1.13.1 scikit-learn omikuji==0.5.2 napkinxc==0.7.2
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps libpecos==1.2.8
fi
scripts/build.sh > /dev/null
[ -f data/wordnet/tst_X_Y.txt ] || bin/lever data wordnet --out data/wordnet
[ -f data/wordnet-gloss/tst_X_Y.txt ] || bin/lever data wordnet --out data/wordnet-gloss --gloss
exec "$venv/bin/python" benchmarks/peers.py "$@"
