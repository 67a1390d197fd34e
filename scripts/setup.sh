#!/usr/bin/env bash
# Installs what Lever needs and is missing; safe to run again. With --python it also makes the
# virtual environment .venv with the test and reference packages (numpy, scipy, pytest, napkinxc,
# Dask's distributed for lever.distributed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "setup: $*" >&2; exit 1; }

apt_packages=(libopenblas-dev libjson-c-dev libhnswlib-dev wordnet-base binutils)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "apt-get not found; install these packages by hand: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo="sudo"
  fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi
command -v swift >/dev/null || die "the Swift toolchain (6.3 or newer) is not on PATH"
command -v cc >/dev/null || die "a C compiler (cc) is needed for the C tests"

if [ "${1:-}" = "--python" ]; then
  command -v python3 >/dev/null || die "python3 not found"
  venv="$root/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || die "could not create $venv (is python3-venv installed?)"
  fi
  if ! "$venv/bin/python" -c "import numpy, scipy, pytest, napkinxc, distributed" 2>/dev/null; then
    echo "setup: installing Python test packages into .venv"
    "$venv/bin/pip" install -q --disable-pip-version-check numpy scipy pytest napkinxc==0.7.2 \
      "dask[distributed]>=2023.1" \
      || die "pip install into .venv failed"
  fi
fi
