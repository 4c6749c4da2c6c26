#!/bin/sh
# Build a real program from its Debian source package with a given C compiler.
#
# usage: build-program.sh NAME CC OUTDIR [CFLAGS]
#   NAME    zlib | zlib-shared | bzip2 | lua | xz | zstd | lz4 | sqlite3 | mbedtls
#   CC      the compiler: lfi-cc (sandboxed), gcc (native), ...
#   OUTDIR  build directory; the programs end up in OUTDIR/bin
#   CFLAGS  default -O2
#
# Sources are fetched once with apt-get source (scripts/fetch-source.sh)
# into $LFI_SRC_CACHE (default: bench/work/src of this checkout) and copied,
# so the sources themselves are never modified. The build uses each
# project's own build system with CC set, as a user would:
#   zlib     ./configure --static && make            -> example minigzip
#   zlib-shared  ./configure && make (CC gets --dynamic, which lfi-cc needs
#            for dynamically linked programs)  -> examplesh minigzipsh, and
#            OUTDIR/lib/libz.so.1 (the shared library they need)
#   bzip2    make libbz2.a bzip2.o bzip2recover      -> bzip2 bzip2recover
#            (Debian's Makefile links bzip2 against libbz2.so; we link the .a)
#   lua      upstream tarball, make posix            -> lua luac
#            (Debian's tree builds through libtool)
#   xz       ./configure --host=x86_64-linux-musl --disable-shared && make -> xz
#            (--host: configure cannot run sandboxed test programs)
#   zstd     make -C programs zstd ZSTD_NO_ASM=1     -> zstd
#            (its hand-written decoder assembly uses every register)
#   lz4      make lz4                                 -> lz4
#   sqlite3  amalgamation made with the native compiler, then
#            CC shell.c sqlite3.c; CC speedtest1.c    -> sqlite3 speedtest1
#   mbedtls  make -C library libmbedcrypto.a, then CC bench/programs/crypto/
#            crypto_bench.c (our driver)               -> crypto_bench
#            (configuration: bench/programs/crypto/mbedtls_bench_config.h)
set -eu
name=$1 cc=$2 out=$3 cflags=${4:--O2}
here=$(cd "$(dirname "$0")" && pwd)
cache=${LFI_SRC_CACHE:-$here/../bench/work/src}
mkdir -p "$out/bin" "$cache"
out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
die() { echo "build-program: $name: $*" >&2; exit 1; }
fetch() { sh "$here/fetch-source.sh" "$1" "$cache" || die "cannot fetch $1"; }
copy() { rm -rf "$out/src-$name"; cp -a "$1" "$out/src-$name"; cd "$out/src-$name"; }
log=$out/build-$name.log
run() { "$@" >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "failed: $* (log: $log)"; }; }
: >"$log"

case $name in
zlib)
    copy "$(fetch zlib)"
    run env CC="$cc" CFLAGS="$cflags" ./configure --static
    run make -j"$jobs" example minigzip
    cp example minigzip "$out/bin/" ;;
zlib-shared)
    copy "$(fetch zlib)"
    run env CC="$cc --dynamic" CFLAGS="$cflags" ./configure --shared
    run make -j"$jobs" examplesh minigzipsh
    mkdir -p "$out/lib"
    cp -L libz.so.1 "$out/lib/libz.so.1"
    cp examplesh minigzipsh "$out/bin/" ;;
bzip2)
    copy "$(fetch bzip2)"
    run make -j"$jobs" CC="$cc" CFLAGS="$cflags -D_FILE_OFFSET_BITS=64" libbz2.a bzip2.o bzip2recover
    run $cc $cflags -o bzip2 bzip2.o libbz2.a
    cp bzip2 bzip2recover "$out/bin/" ;;
lua)
    d=$(fetch lua5.4)
    tb=$(ls "$d"/../lua5.4_*.orig.tar.gz | head -n 1)
    rm -rf "$out/src-lua" && mkdir -p "$out/src-lua" && tar -xzf "$tb" -C "$out/src-lua"
    cd "$out/src-lua"/lua-*
    run make -j"$jobs" CC="$cc" MYCFLAGS="$cflags" posix
    cp src/lua src/luac "$out/bin/" ;;
xz)
    copy "$(fetch xz-utils)"
    run env CC="$cc" CFLAGS="$cflags" ./configure --host=x86_64-linux-musl --disable-shared \
        --enable-static --disable-nls --disable-doc --disable-scripts
    run make -j"$jobs"
    cp src/xz/xz "$out/bin/" ;;
zstd)
    copy "$(fetch libzstd)"
    run make -j"$jobs" -C programs CC="$cc" CFLAGS="$cflags" ZSTD_NO_ASM=1 zstd
    cp programs/zstd "$out/bin/" ;;
lz4)
    copy "$(fetch lz4)"
    run make -j"$jobs" CC="$cc" CFLAGS="$cflags" lz4
    cp programs/lz4 "$out/bin/" ;;
sqlite3)
    d=$(fetch sqlite3)
    amal=$cache/sqlite3-amalgamation
    if [ ! -f "$amal/shell.c" ]; then
        rm -rf "$amal.tmp" && mkdir -p "$amal.tmp"
        (cd "$amal.tmp" && "$d/configure" --disable-tcl >configure.log 2>&1 &&
            make -j"$jobs" sqlite3.c shell.c >make.log 2>&1) ||
            die "generating the amalgamation failed (see $amal.tmp)"
        mkdir -p "$amal"
        cp "$amal.tmp/sqlite3.c" "$amal.tmp/sqlite3.h" "$amal.tmp/shell.c" "$amal/"
        rm -rf "$amal.tmp"
    fi
    rm -rf "$out/src-sqlite3" && mkdir -p "$out/src-sqlite3" && cd "$out/src-sqlite3"
    cp "$amal"/sqlite3.c "$amal"/sqlite3.h "$amal"/shell.c "$d/test/speedtest1.c" .
    run $cc $cflags -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_THREADSAFE=1 -o sqlite3 shell.c sqlite3.c -lpthread -lm
    run $cc $cflags -DSQLITE_OMIT_LOAD_EXTENSION -I. -o speedtest1 speedtest1.c sqlite3.c -lpthread -lm
    cp sqlite3 speedtest1 "$out/bin/" ;;
mbedtls)
    copy "$(fetch mbedtls)"
    conf=$here/../bench/programs/crypto
    run make -j"$jobs" -C library CC="$cc" \
        CFLAGS="$cflags -DMBEDTLS_USER_CONFIG_FILE='\"$conf/mbedtls_bench_config.h\"'" libmbedcrypto.a
    run $cc $cflags -DMBEDTLS_USER_CONFIG_FILE="\"$conf/mbedtls_bench_config.h\"" -Iinclude \
        -o crypto_bench "$conf/crypto_bench.c" library/libmbedcrypto.a
    cp crypto_bench "$out/bin/" ;;
*)
    die "unknown program (zlib bzip2 lua xz zstd lz4 sqlite3 mbedtls)" ;;
esac
echo "build-program: $name: built with $cc in $out/bin"
