#!/usr/bin/env bash
# The sgemm rate of Debian's OpenBLAS with the kernel it picks by itself and with the ones
# OPENBLAS_CORETYPE can force (see README, "OpenBLAS's settings"). Prints figures only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cc -O2 -o "$out/sgemm_rate" "$root/benchmarks/sgemm_rate.c" -lopenblas
grep -m1 "model name" /proc/cpuinfo || true
echo "OpenBLAS's own choice:"
env -u OPENBLAS_CORETYPE "$out/sgemm_rate"
for kernel in Haswell SkylakeX; do
  echo "OPENBLAS_CORETYPE=$kernel:"
  OPENBLAS_CORETYPE=$kernel "$out/sgemm_rate"
done
