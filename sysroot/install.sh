#!/bin/sh
# meson install: copy the built sysroot to PREFIX/lib/lfi/sysroot.
set -eu
src=$1
[ -f "$src/sysroot.stamp" ] || { echo "sysroot: not built, not installed"; exit 0; }
dst="${DESTDIR:-}${MESON_INSTALL_PREFIX}/lib/lfi/sysroot"
mkdir -p "$dst"
cp -R "$src/include" "$src/lib" "$dst/"
echo "sysroot: installed in $dst"
for v in native 1t; do
    if [ -d "$src/../sysroot-$v/lib" ]; then
        mkdir -p "$dst-$v"
        cp -R "$src/../sysroot-$v/include" "$src/../sysroot-$v/lib" "$dst-$v/"
    fi
done
