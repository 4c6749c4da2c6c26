#!/bin/sh
# Install every Debian package the project needs. Idempotent; works as root
# or through sudo. Set LFI_SETUP_SKIP=1 to skip (for example on a machine
# where the packages are known to be present and apt is unavailable).
set -eu

[ "${LFI_SETUP_SKIP:-0}" = 1 ] && exit 0

PACKAGES="
build-essential pkg-config meson ninja-build python3
clang llvm lld libclang-rt-14-dev
binutils libzydis-dev
dpkg-dev musl-tools
wasi-libc libclang-rt-14-dev-wasm32 wabt gnuplot-nox valgrind
"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# `apt-get source` (musl for the sysroot, the benchmark programs) needs
# deb-src entries. Debian 12 images list only binary archives in
# debian.sources (deb822); add the source type there if it is missing.
need_update=0
if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
    else
        echo "deb-src http://deb.debian.org/debian bookworm main" | $SUDO tee -a /etc/apt/sources.list >/dev/null
    fi
    need_update=1
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    [ "$need_update" = 1 ] && $SUDO apt-get update -qq
    exit 0
fi

echo "setup: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
