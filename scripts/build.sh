#!/usr/bin/env bash
# Release build: the `lever` CLI and a self-contained liblever.so (Swift runtime linked in,
# only the lever_* symbols exported), laid out as build/lib/liblever.so{,.1} and build/include.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
swift build -c release --static-swift-stdlib
mkdir -p build/lib build/include
cp -f .build/release/liblever.so build/lib/liblever.so.1.tmp
mv -f build/lib/liblever.so.1.tmp build/lib/liblever.so.1
ln -sf liblever.so.1 build/lib/liblever.so
cp -f include/lever.h build/include/lever.h
echo "built: bin/lever (CLI), build/lib/liblever.so, build/include/lever.h"
