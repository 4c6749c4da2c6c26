#!/bin/sh
# meson install: copy the built sysroot to PREFIX/lib/lfi/sysroot.
set -eu
src=$1
[ -f "$src/sysroot.stamp" ] || { echo "sysroot: not built, not installed"; exit 0; }
dst="${DESTDIR:-}${MESON_INSTALL_PREFIX}/lib/lfi/sysroot"
mkdir -p "$dst"
cp -R "$src/include" "$src/lib" "$dst/"
echo "sysroot: installed in $dst"
if [ -d "$src/../sysroot-native/lib" ]; then
    mkdir -p "$dst-native"
    cp -R "$src/../sysroot-native/include" "$src/../sysroot-native/lib" "$dst-native/"
fi
