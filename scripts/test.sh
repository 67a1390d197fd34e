#!/usr/bin/env bash
# All tests: Swift unit tests, the C API test (as C99 and C++), and the Python tests (CLI, metrics
# against napkinXC and numpy, exported symbols, bindings).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh --python
scripts/build.sh

echo "== swift test"
swift test

echo "== C API test"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data"
printf 'cat\ndog\nbird\n' > "$work/data/Y.txt"
printf 'small cat\nbig dog\nsmall bird\ncat and dog\n' > "$work/data/trn_X.txt"
printf '4 3\n0:1\n1:1\n2:1\n0:1 1:1\n' > "$work/data/trn_X_Y.txt"
flags=(-Wall -Wextra -Werror -Iinclude Tests/c/test_capi.c -Lbuild/lib -llever "-Wl,-rpath,$root/build/lib")
cc -std=c99 "${flags[@]}" -o "$work/test_capi_c"
c++ -x c++ -std=c++17 "${flags[@]}" -o "$work/test_capi_cpp"
"$work/test_capi_c" "$work/data" "$work"
"$work/test_capi_cpp" "$work/data" "$work"

echo "== Python tests"
.venv/bin/python -m pytest
