#!/bin/sh
# Build the LFI sandbox sysroot: musl libc and the LFI compiler builtins,
# every object compiled by lfi-cc (so rewritten and verified). The sandboxed
# sysroot (no option) also gets musl's shared libc, lib/libc.so, which is
# the dynamic loader too (lib/ld-musl-x86_64.so.1): lfi-cc --dynamic.
#
# usage: build.sh [--native|--single-thread] LFI_CC SRCDIR OUTDIR WORKDIR STAMP BUILTIN.c...
#   --native the same libc NOT sandboxed (lfi-cc --sandbox=none): the
#            "native, same libc" baseline of the benchmarks
#   --single-thread  sandboxed, compiled with lfi-cc --single-thread (returns
#            as push + ret): what lfi-cc --single-thread links against
#   LFI_CC   the lfi-cc driver of this build
#   SRCDIR   the project's sysroot/ directory
#   OUTDIR   where the sysroot goes (include/, lib/)
#   WORKDIR  scratch space: musl's source and object files
#   STAMP    file written on success
#   BUILTIN.c the compiler builtins' sources (sysroot/builtins/meson.build)
#
# musl's source comes from, in this order: $LFI_MUSL_SRC (an unpacked
# source tree), $LFI_MUSL_TARBALL (a musl-*.tar.gz), a copy already in
# WORKDIR, or Debian's source package (`apt-get source musl`, which needs
# deb-src entries: scripts/setup.sh adds them).
set -eu

native=0 single=0
if [ "${1:-}" = --native ]; then native=1; shift; fi
if [ "${1:-}" = --single-thread ]; then single=1; shift; fi
lfi_cc=$1 srcdir=$2 out=$3 work=$4 stamp=$5
shift 5
# the builtins' sources as absolute paths (the script changes directory)
for f in "$@"; do
    set -- "$@" "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
    shift
done
jobs=$(nproc 2>/dev/null || echo 2)
log() { echo "sysroot: $*"; }
die() { echo "sysroot: error: $*" >&2; exit 1; }

mkdir -p "$work" "$out/include" "$out/lib"
case $stamp in /*) ;; *) stamp="$(pwd)/$stamp" ;; esac
work=$(cd "$work" && pwd)
out=$(cd "$out" && pwd)

# ---- musl source ------------------------------------------------------
if [ -n "${LFI_MUSL_SRC:-}" ]; then
    musl=$(cd "$LFI_MUSL_SRC" && pwd)
elif [ -n "${LFI_MUSL_TARBALL:-}" ]; then
    [ -f "$LFI_MUSL_TARBALL" ] || die "LFI_MUSL_TARBALL=$LFI_MUSL_TARBALL: no such file"
    rm -rf "$work/tarball" && mkdir -p "$work/tarball"
    tar -xzf "$LFI_MUSL_TARBALL" -C "$work/tarball"
    musl=$(find "$work/tarball" -mindepth 1 -maxdepth 1 -type d | head -n1)
else
    musl=$(sh "$srcdir/../scripts/fetch-source.sh" musl "$work") ||
        die "no musl source: run scripts/setup.sh (it adds deb-src entries) or set LFI_MUSL_TARBALL"
fi
[ -f "$musl/configure" ] || die "no musl source tree found (at '$musl')"

# ---- our allocator and string routines --------------------------------
# musl is built from a copy of its tree with sysroot/malloc/ as a malloc
# implementation of its own (src/malloc/lfi/, configure --with-malloc=lfi,
# in place of mallocng) and sysroot/string/*.c in place of musl's files of
# the same names in src/string/ (its x86_64 memcpy/memmove/memset.s
# removed). docs/toolchain.md, "The sysroot".
tree="$work/musl-src-lfi"
overlay_key="$musl $(cd "$srcdir" && echo malloc/* string/*)"
if [ ! -f "$tree/.lfi-overlay" ] || [ "$(cat "$tree/.lfi-overlay")" != "$overlay_key" ]; then
    log "copying $(basename "$musl") to $tree"
    rm -rf "$tree"
    cp -a "$musl" "$tree"
    rm -f "$tree/src/string/x86_64/memcpy.s" "$tree/src/string/x86_64/memmove.s" \
        "$tree/src/string/x86_64/memset.s"
    mkdir -p "$tree/src/malloc/lfi"
fi
# copy what changed; a changed header recompiles every .c of its directory
# (musl's Makefile does not track headers outside its own)
sync_dir() { # FROM TO
    changed=0
    for f in "$1"/*; do
        t="$2/$(basename "$f")"
        cmp -s "$f" "$t" || { cp "$f" "$t"; changed=1; }
    done
    if [ "$changed" = 1 ]; then
        for f in "$1"/*.c; do touch "$2/$(basename "$f")"; done
    fi
}
sync_dir "$srcdir/malloc" "$tree/src/malloc/lfi"
sync_dir "$srcdir/string" "$tree/src/string"
echo "$overlay_key" >"$tree/.lfi-overlay"
musl=$tree

# ---- musl -------------------------------------------------------------
# Objects depend on the compiler too: rebuild everything when lfi-cc (and
# so the rewriter) changed since the last build.
sum="$(cksum <"$lfi_cc" | cut -d' ' -f1) $overlay_key"
bdir="$work/musl-build"
[ "$native" = 1 ] && bdir="$work/musl-build-native"
[ "$single" = 1 ] && bdir="$work/musl-build-1t"
if [ ! -f "$bdir/.lfi-cc-sum" ] || [ "$(cat "$bdir/.lfi-cc-sum")" != "$sum" ]; then
    rm -rf "$bdir"
fi
mkdir -p "$bdir"
# While musl itself builds, lfi-cc's sysroot is the (still empty) output:
# musl compiles with -nostdinc and its own headers.
export LFI_SYSROOT="$out" LFI_NATIVE_SYSROOT="$out"
if [ "$native" = 1 ]; then
    cc_cmd="$lfi_cc --sandbox=none" musl_cflags="-O2"
else
    # setjmp/longjmp save and restore %r14 like any callee-saved register:
    # inside a sandbox it always holds the base, so restores are dropped.
    cc_cmd="$lfi_cc" musl_cflags="-O2 -Xlfi-rewrite --r14-is-base"
    [ "$single" = 1 ] && cc_cmd="$lfi_cc --single-thread"
fi
cd "$bdir"
if [ ! -f config.mak ]; then
    log "configuring $(basename "$musl")"
    "$musl/configure" --prefix="$out" --disable-shared --with-malloc=lfi \
        CC="$cc_cmd" CFLAGS="$musl_cflags" >configure.log 2>&1 ||
        die "musl configure failed (see $bdir/configure.log)"
fi
log "building musl (log: $bdir/make.log)"
make -j"$jobs" AR=ar RANLIB=ranlib >make.log 2>&1 || {
    grep -E 'lfi-cc:|error' make.log | head -n 20 >&2
    die "building musl failed (see $bdir/make.log)"
}
make install AR=ar RANLIB=ranlib >install.log 2>&1 || die "installing musl failed (see $bdir/install.log)"
echo "$sum" >.lfi-cc-sum

# ---- builtins ---------------------------------------------------------
bobj="$work/builtins"
[ "$native" = 1 ] && bobj="$work/builtins-native"
[ "$single" = 1 ] && bobj="$work/builtins-1t"
rm -rf "$bobj" && mkdir -p "$bobj"
n=0
for f in "$@"; do
    o="$bobj/$(basename "$f" .c).o"
    # position-independent and hidden: the same archive serves static
    # programs and every shared module (libc.so too), each with its own copy
    $cc_cmd -std=c11 -O2 -fPIC -fvisibility=hidden -ffreestanding -fno-stack-protector \
        -Wall -Wextra -Werror -c "$f" -o "$o" || die "compiling $f failed"
    n=$((n + 1))
done
rm -f "$out/lib/liblfi-builtins.a"
if [ "$n" -gt 0 ]; then
    ar rcs "$out/lib/liblfi-builtins.a" "$bobj"/*.o
else
    ar rcs "$out/lib/liblfi-builtins.a"
fi

# ---- the shared libc (lfi-cc --dynamic) --------------------------------
# A build of its own: musl's .lo objects, compiled with -fno-plt (lfi-cc
# adds it for -fPIC) so that libc.so calls its interposable functions
# (malloc & co.) through GOT entries, never a PLT.
if [ "$native" = 0 ] && [ "$single" = 0 ]; then
    sdir="$work/musl-build-shared"
    if [ ! -f "$sdir/.lfi-cc-sum" ] || [ "$(cat "$sdir/.lfi-cc-sum")" != "$sum" ]; then
        rm -rf "$sdir"
    fi
    mkdir -p "$sdir"
    cd "$sdir"
    if [ ! -f config.mak ]; then
        log "configuring the shared $(basename "$musl")"
        "$musl/configure" --prefix="$out" --enable-shared --with-malloc=lfi \
            CC="$cc_cmd" CFLAGS="$musl_cflags" >configure.log 2>&1 ||
            die "musl configure (shared) failed (see $sdir/configure.log)"
    fi
    log "building the shared libc (log: $sdir/make.log)"
    make -j"$jobs" lib/libc.so lib/Scrt1.o AR=ar RANLIB=ranlib \
        LIBCC="$out/lib/liblfi-builtins.a" >make.log 2>&1 || {
        grep -E 'lfi-cc:|error' make.log | head -n 20 >&2
        die "building the shared libc failed (see $sdir/make.log)"
    }
    cp lib/libc.so "$out/lib/libc.so.tmp" && mv -f "$out/lib/libc.so.tmp" "$out/lib/libc.so"
    cp lib/Scrt1.o "$out/lib/Scrt1.o"
    ln -sf libc.so "$out/lib/ld-musl-x86_64.so.1"
    echo "$sum" >.lfi-cc-sum
fi
log "done: musl and $n builtins files in $out"
date >"$stamp"
