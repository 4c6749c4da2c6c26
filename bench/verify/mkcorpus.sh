#!/bin/sh
# Build the verifier benchmark corpus (bench/work/corpus/*.elf).
#
#   sh bench/verify/mkcorpus.sh [--force] [mkcorpus.py options...]
#
# 1. makes sure apt has deb-src lines for Debian main (adds
#    /etc/apt/sources.list.d/lfi-deb-src.sources once; idempotent),
# 2. fetches the Debian source packages sqlite3, lua5.4, zlib, bzip2 and musl
#    with `apt-get source` into bench/work/src (once),
# 3. generates the SQLite amalgamation sqlite3.c from the sqlite3 sources
#    (needs tclsh; installed from Debian if missing) and musl's generated
#    headers,
# 4. runs mkcorpus.py: compile, rewrite into LFI form, assemble, link.
#
# Everything goes under bench/work/, which is not committed. Without
# --force an existing corpus is left alone.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(cd "$here/.." && pwd)/work
src=$work/src
out=$work/corpus

force=0
if [ "${1:-}" = --force ]; then force=1; shift; fi

if [ $force = 0 ] && [ -f "$out/COMPLETE" ]; then
    echo "mkcorpus: corpus already built in $out (use --force to rebuild)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

need_pkgs=""
for tool in gcc:gcc clang:clang as:binutils objdump:binutils tclsh:tcl \
            dpkg-source:dpkg-dev python3:python3 make:make xz:xz-utils; do
    cmd=${tool%%:*}; pkg=${tool#*:}
    command -v "$cmd" >/dev/null 2>&1 || need_pkgs="$need_pkgs $pkg"
done
if [ -n "$need_pkgs" ]; then
    echo "mkcorpus: installing$need_pkgs"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $need_pkgs
fi

mkdir -p "$src" "$out"

fetched() {
    # a source tree for package $1 (its directory name starts with $2-)
    ls -d "$src/$2"-*/ >/dev/null 2>&1
}

missing=""
fetched sqlite3 sqlite3 || missing="$missing sqlite3"
fetched lua5.4 lua5.4 || missing="$missing lua5.4"
fetched zlib zlib || missing="$missing zlib"
fetched bzip2 bzip2 || missing="$missing bzip2"
fetched musl musl || missing="$missing musl"

if [ -n "$missing" ]; then
    # deb-src lines for the suites apt already uses (Debian main only).
    list=/etc/apt/sources.list.d/lfi-deb-src.sources
    if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list \
            /etc/apt/sources.list.d/ 2>/dev/null; then
        codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
        echo "mkcorpus: adding $list"
        $SUDO sh -c "cat > $list" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        $SUDO apt-get update -qq
    fi
    echo "mkcorpus: fetching$missing"
    # One package at a time, falling back to older versions when the
    # newest (a security update) is not on the mirror.
    for p in $missing; do
        sh "$here/../../scripts/fetch-source.sh" "$p" "$src" >/dev/null ||
            { echo "mkcorpus: apt-get source $p failed" >&2; exit 1; }
        fetched "$p" "$p" || { echo "mkcorpus: apt-get source $p failed" >&2; exit 1; }
    done
fi

amal=$src/sqlite3-amalgamation
if [ ! -f "$amal/sqlite3.c" ]; then
    echo "mkcorpus: generating the SQLite amalgamation"
    sq=$(ls -d "$src"/sqlite3-[0-9]*/ | tail -n 1)
    rm -rf "$amal.tmp"
    mkdir -p "$amal.tmp"
    (cd "$amal.tmp" && "$sq/configure" --disable-tcl >configure.log 2>&1 &&
        make -j"$(nproc)" sqlite3.c >make.log 2>&1) || {
        echo "mkcorpus: building sqlite3.c failed; see $amal.tmp/*.log" >&2; exit 1; }
    mkdir -p "$amal"
    cp "$amal.tmp/sqlite3.c" "$amal.tmp/sqlite3.h" "$amal/"
    rm -rf "$amal.tmp"
fi

musl_gen=$src/musl-gen
if [ ! -f "$musl_gen/obj/src/internal/version.h" ]; then
    echo "mkcorpus: generating musl's headers"
    mu=$(ls -d "$src"/musl-[0-9]*/ | tail -n 1)
    rm -rf "$musl_gen"
    mkdir -p "$musl_gen"
    (cd "$musl_gen" && CC=gcc "$mu/configure" --target=x86_64 --disable-shared \
            >configure.log 2>&1 &&
        make obj/include/bits/alltypes.h obj/include/bits/syscall.h \
            obj/src/internal/version.h >make.log 2>&1) || {
        echo "mkcorpus: musl configure failed; see $musl_gen/*.log" >&2; exit 1; }
fi

rm -f "$out/COMPLETE"
[ $# -eq 0 ] && rm -f "$out"/*.elf "$out/BUILD.log"
python3 "$here/mkcorpus.py" --src "$src" --out "$out" "$@"
{
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    gcc --version | head -n 1
    clang --version | head -n 1
    as --version | head -n 1
    ls "$src"
    sha256sum "$amal/sqlite3.c"
} >"$out/COMPLETE"
echo "mkcorpus: corpus in $out"
