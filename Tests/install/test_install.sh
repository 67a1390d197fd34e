#!/usr/bin/env bash
# Lever as its users install it (run by scripts/test.sh after scripts/build.sh and setup --python):
# 1. `make install PREFIX=$work/prefix`, then bindings/c/example.c and Tests/install/smoke.c built with
#    `pkg-config --cflags --libs lever` alone and run from outside the repository, without LD_LIBRARY_PATH;
# 2. the Python wheel (reusing build/lib/liblever.so, no Swift build), refused without a library,
#    tagged for this platform, installed into a fresh venv with numpy, and Tests/install/smoke.py run
#    outside the repository.
#   Tests/install/test_install.sh WORK_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mkdir -p "$1" && cd "$1" && pwd)"
fail() { echo "test_install: $*" >&2; exit 1; }
unset LD_LIBRARY_PATH LEVER_LIBRARY

echo "-- make install + pkg-config"
make -s -C "$root" install PREFIX="$work/prefix" > /dev/null
for f in lib/liblever.so.1 lib/liblever.so include/lever.h lib/pkgconfig/lever.pc bin/lever; do
  [ -e "$work/prefix/$f" ] || fail "make install did not install $f"
done
[ "$(readlink "$work/prefix/lib/liblever.so")" = liblever.so.1 ] || fail "liblever.so does not link to liblever.so.1"
# Outputs are captured, not piped into grep -q: its early exit would break the pipe under pipefail.
headers="$(objdump -p "$work/prefix/lib/liblever.so.1")"
grep -q "SONAME *liblever.so.1" <<< "$headers" || fail "installed library lost its SONAME"
make -s -C "$root" install PREFIX="$work/staged" DESTDIR="$work/destdir" > /dev/null
[ -f "$work/destdir$work/staged/lib/liblever.so.1" ] || fail "DESTDIR was not honoured"
grep -qx "prefix=$work/staged" "$work/destdir$work/staged/lib/pkgconfig/lever.pc" || fail "DESTDIR leaked into lever.pc"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
pkg-config --exists --print-errors lever
[ "$(pkg-config --modversion lever)" = "$("$work/prefix/bin/lever" --version)" ] \
  || fail "lever.pc's version differs from the CLI's"

mkdir -p "$work/c" && cd "$work/c"
printf 'cat\ndog\nbird\n' > Y.txt
printf 'small cat\nbig dog\nsmall bird\ncat and dog\n' > trn_X.txt
printf '4 3\n0:1\n1:1\n2:1\n0:1 1:1\n' > trn_X_Y.txt
echo '{"data": {"dir": "."}, "method": "knn", "knn": {"neighbours": 2}, "features": {"hash_bits": 12}}' > config.json
# shellcheck disable=SC2046  # pkg-config's output is a list of flags
cc -std=c99 -Wall -Wextra -Werror "$root/bindings/c/example.c" $(pkg-config --cflags --libs lever) -o example
# shellcheck disable=SC2046
c++ -x c++ -std=c++17 -Wall -Wextra -Werror "$root/Tests/install/smoke.c" $(pkg-config --cflags --libs lever) -o smoke
loads="$(ldd ./example)"
grep -q "liblever.so.1 => $work/prefix/lib/liblever.so.1" <<< "$loads" || fail "example loads another library: $loads"
ranked="$(./example config.json example.lever "small cat" 2> /dev/null)"
grep -q "  .*  cat" <<< "$ranked" || fail "the C example did not rank cat first: $ranked"
./smoke "$work/c"

echo "-- Python wheel"
wheels="$work/wheels"
rm -rf "$wheels" "$root/bindings/python/build"
pip=("$root/.venv/bin/pip" -q --disable-pip-version-check)
copy="$work/python-copy"
cp -r "$root/bindings/python" "$copy"
if "${pip[@]}" wheel --no-deps -w "$wheels" "$copy" > "$work/no-lib.log" 2>&1; then
  fail "a copy of bindings/python without a library built a wheel"
fi
grep -q "no liblever.so to bundle" "$work/no-lib.log" \
  || fail "no clear message without a library: $(tail -5 "$work/no-lib.log")"
missing=/nonexistent/liblever.so
if LEVER_LIBRARY=$missing "${pip[@]}" wheel --no-deps -w "$wheels" "$copy" > "$work/no-lib.log" 2>&1; then
  fail "LEVER_LIBRARY naming a missing file built a wheel"
fi
grep -q "LEVER_LIBRARY=$missing is not a file" "$work/no-lib.log" || fail "no clear message for a bad LEVER_LIBRARY"
"${pip[@]}" wheel --no-deps -w "$wheels" "$root/bindings/python"
wheel="$(ls "$wheels"/lever_xc-*.whl)"
case "$(basename "$wheel")" in *-py3-none-linux_*.whl) ;; *) fail "wheel not tagged py3-none-linux_*: $wheel" ;; esac
contents="$(python3 -m zipfile -l "$wheel")"
grep -q "lever/liblever.so" <<< "$contents" || fail "the wheel holds no lever/liblever.so"
grep -q "lever/py.typed" <<< "$contents" || fail "the wheel holds no lever/py.typed"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" -q --disable-pip-version-check install "$wheel" numpy
mkdir -p "$work/py" && cd "$work/py"
"$work/venv/bin/python" "$root/Tests/install/smoke.py" "$root"
