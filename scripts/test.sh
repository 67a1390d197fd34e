#!/usr/bin/env bash
# All tests: Swift unit tests; the C API test, the C example and the 8-thread test (each compiled
# as C99 and C++ with -Wall -Wextra -Werror); the resident-memory test (train + free and 200 x 1,000
# predictions must not grow VmRSS); a one-minute fuzz run (fails on a crash or an internal error); the
# installed library and wheel used from outside the repository (Tests/install/test_install.sh); the
# Python tests (CLI, metrics against napkinXC and numpy, exported symbols, the ctypes binding).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh --python
scripts/build.sh
cli="$root/.build/release/lever-cli"

echo "== swift test"
swift test --disable-swift-testing  # the suites are XCTest; skip the empty Swift Testing pass

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build_c() {  # build_c SOURCE OUTPUT: as C99 and as C++
  local flags=(-Wall -Wextra -Werror -pthread -Iinclude "$1" -Lbuild/lib -llever "-Wl,-rpath,$root/build/lib")
  cc -std=c99 -O1 "${flags[@]}" -o "$2"
  c++ -x c++ -std=c++17 -O1 "${flags[@]}" -o "$2-cpp"
}

echo "== C API test"
mkdir -p "$work/tiny"
printf 'cat\ndog\nbird\n' > "$work/tiny/Y.txt"
printf 'small cat\nbig dog\nsmall bird\ncat and dog\n' > "$work/tiny/trn_X.txt"
printf '4 3\n0:1\n1:1\n2:1\n0:1 1:1\n' > "$work/tiny/trn_X_Y.txt"
build_c Tests/c/test_capi.c "$work/test_capi"
"$work/test_capi" "$work/tiny" "$work"
"$work/test_capi-cpp" "$work/tiny" "$work"

echo "== resident memory: train + free, 200 x 1,000 predictions"
mkdir -p "$work/memory"
build_c Tests/c/test_memory.c "$work/test_memory"
"$work/test_memory" "$work/memory"

echo "== C example"
printf '{"data": {"dir": "."}, "knn": {"neighbours": 2}}\n' > "$work/tiny/config.json"
build_c bindings/c/example.c "$work/example"
"$work/example" "$work/tiny/config.json" "$work/example.lever" "small cat" "big dog" | tee "$work/example.out"
grep -q "  .*  cat" "$work/example.out"
"$work/example-cpp" "$work/tiny/config.json" "$work/example.lever" "small bird" > /dev/null

echo "== 8 C threads on a WordNet LEVER model"
"$cli" data wordnet --out "$work/wordnet" > /dev/null
printf '{"data": {"dir": "wordnet"}, "method": "lever", "teacher": {"epochs": 10}, "student": {"epochs": 2}, "output": {"dir": "wn-run", "predictions": "", "report": ""}}\n' > "$work/wn.json"
"$cli" train --config "$work/wn.json" --quiet > /dev/null
build_c Tests/c/test_threads.c "$work/test_threads"
"$work/test_threads" "$work/wn-run/model.lever" "$work/wordnet/tst_X.txt"
"$work/test_threads-cpp" "$work/wn-run/model.lever" "$work/wordnet/tst_X.txt"

echo "== fuzz (${LEVER_FUZZ_SECONDS:-60} s)"
mkdir -p "$work/fuzz"
build_c Tests/fuzz/fuzz_lever.c "$work/fuzz_lever"
# Prints its seed first (LEVER_FUZZ_SEED=N replays a run); fails on a signal or LEVER_ERR_INTERNAL.
# LEVER_FUZZ_SPECIAL_FILES=1 adds /dev/zero and a FIFO as inputs.
LEVER_FUZZ_SPECIAL_FILES="${LEVER_FUZZ_SPECIAL_FILES:-1}" "$work/fuzz_lever" "$work/fuzz" "${LEVER_FUZZ_SECONDS:-60}" ${LEVER_FUZZ_SEED:+"$LEVER_FUZZ_SEED"}

echo "== install: make install + pkg-config (C), the wheel in a fresh venv (Python), both outside the repository"
Tests/install/test_install.sh "$work/install"

echo "== Python tests"
# The distribution was called "lever" before it became "lever-xc"; drop such an install from .venv.
.venv/bin/pip uninstall -q -y lever > /dev/null 2>&1 || true
.venv/bin/pip install -q --disable-pip-version-check --force-reinstall --no-deps ./bindings/python
.venv/bin/python -m pytest
