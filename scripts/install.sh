#!/usr/bin/env bash
# Installs Lever for C users (what `make install` runs): PREFIX/lib/liblever.so.1 (its SONAME) with the
# link-time symlink liblever.so, PREFIX/include/lever.h, PREFIX/lib/pkgconfig/lever.pc and the CLI as
# PREFIX/bin/lever. Builds first when the build is missing. DESTDIR stages the files under another root
# (for packaging); the paths written into lever.pc stay PREFIX's. --uninstall removes those files.
#
# lever.pc's Libs carry -Wl,-rpath,LIBDIR unless LIBDIR is a folder the loader searches by default
# (/usr/lib, /lib and their multiarch folders): a program built with `pkg-config --libs lever` against a
# private prefix (/opt/lever, $HOME/.local, a CI folder) then runs without LD_LIBRARY_PATH or ldconfig,
# while a distribution's /usr install gets no rpath (their policy, and the loader finds it anyway).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
die() { echo "install: $*" >&2; exit 1; }

prefix="${PREFIX:-/usr/local}"
destdir="${DESTDIR:-}"
case "$prefix" in /*) ;; *) die "PREFIX must be an absolute path (got \"$prefix\")" ;; esac
case "$prefix" in *[[:space:]\"\'\$\\]*) die "PREFIX must not contain spaces, quotes, \$ or \\ (got \"$prefix\")" ;; esac
prefix="${prefix%/}"
libdir="$prefix/lib"
includedir="$prefix/include"
bindir="$prefix/bin"
pcdir="$libdir/pkgconfig"
files=("$libdir/liblever.so.1" "$libdir/liblever.so" "$includedir/lever.h" "$pcdir/lever.pc" "$bindir/lever")

if [ "${1:-}" = "--uninstall" ]; then
  for f in "${files[@]}"; do rm -f "$destdir$f"; done
  echo "removed Lever from $destdir$prefix"
  exit 0
fi

if [ ! -f build/lib/liblever.so.1 ] || [ ! -x .build/release/lever-cli ]; then scripts/build.sh; fi
version="$(sed -n 's/^#define LEVER_VERSION_STRING "\(.*\)"$/\1/p' include/lever.h)"
[ -n "$version" ] || die "cannot read LEVER_VERSION_STRING from include/lever.h"

rpath="-Wl,-rpath,\${libdir}"
multiarch="$(cc -print-multiarch 2>/dev/null || true)"
for system in /usr/lib /lib ${multiarch:+/usr/lib/$multiarch /lib/$multiarch}; do
  [ "$libdir" = "$system" ] && rpath=""
done

install -d "$destdir$libdir" "$destdir$includedir" "$destdir$pcdir" "$destdir$bindir"
install -m 755 build/lib/liblever.so.1 "$destdir$libdir/liblever.so.1"
ln -sfn liblever.so.1 "$destdir$libdir/liblever.so"
install -m 644 include/lever.h "$destdir$includedir/lever.h"
install -m 755 .build/release/lever-cli "$destdir$bindir/lever"
# No Requires.private / Libs.private: only the shared library is installed, and it records its own
# dependencies (OpenBLAS, json-c, libm, libstdc++) as DT_NEEDED entries; lever.h includes no header of them.
tmp="$(mktemp "$destdir$pcdir/.lever.pc.XXXXXX")"
cat > "$tmp" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: lever
Description: Embeddable extreme-classification library (LEVER, ICLR 2024) with a C API
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -llever${rpath:+ $rpath}
PC
chmod 644 "$tmp"
mv -f "$tmp" "$destdir$pcdir/lever.pc"
echo "installed liblever $version into $destdir$prefix (lib, include, lib/pkgconfig/lever.pc, bin/lever)"
