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
dpkg-dev
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
