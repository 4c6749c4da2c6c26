#!/bin/sh
# Fetch and unpack a Debian source package: fetch-source.sh PACKAGE DESTDIR
# Prints the unpacked directory. If the newest version is not downloadable
# (a security update whose files the mirror lacks), older versions listed
# by apt-cache showsrc are tried in turn.
set -eu
pkg=$1 dest=$2
mkdir -p "$dest"
cd "$dest"
find_dir() {
    for d in "$pkg"-[0-9]*; do
        [ -d "$d" ] && { echo "$(pwd)/$d"; return 0; }
    done
    return 1
}
# Debian names some unpacked trees differently from the package (lua5.4 ->
# lua5.4-5.4.4, zlib -> zlib-1.2.13.dfsg): the glob above covers those.
find_dir && exit 0
if apt-get source -qq "$pkg" >apt-source-"$pkg".log 2>&1 && find_dir; then
    exit 0
fi
for v in $(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -ru); do
    if apt-get source -qq "$pkg=$v" >>apt-source-"$pkg".log 2>&1 && find_dir; then
        exit 0
    fi
done
echo "fetch-source: cannot fetch the source package $pkg (see $dest/apt-source-$pkg.log; is deb-src configured? run scripts/setup.sh)" >&2
exit 1
