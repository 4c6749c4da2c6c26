#!/bin/bash
# Real programs from Debian source packages, built with lfi-cc and run under
# lfi-run, against the same programs built natively with the same musl
# (lfi-cc --sandbox=none): outputs (and compressed bytes) must be identical.
#
# usage: test_programs.sh BUILDDIR [PROGRAM...]
# Builds go to BUILDDIR/programs/{lfi,native} and are reused while lfi-cc
# and the sysroot are unchanged.
set -u
B=$(cd "$1" && pwd); shift
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUN=$B/tools/lfi-run
VERIFY=$B/tools/lfi-verify
PROGS=${*:-zlib zlib-shared bzip2 lua xz zstd lz4 sqlite3 mbedtls}
export PATH=$B/tools:$PATH
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# ---- build ------------------------------------------------------------
build() { # VARIANT CC PROGRAM
    local v=$1 cc=$2 p=$3 out=$B/programs/$1
    local stamp=$out/.built-$p
    if [ -f "$stamp" ] && [ "$stamp" -nt "$B/tools/lfi-cc" ] &&
       [ "$stamp" -nt "$B/sysroot/sysroot.stamp" ]; then
        return 0
    fi
    if sh "$ROOT/scripts/build-program.sh" "$p" "$cc" "$out" >/dev/null; then
        touch "$stamp"
    else
        bad "building $p ($v)"
        return 1
    fi
}
for p in $PROGS; do
    case $p in
    # dynamically linked (lfi-cc --dynamic); compared with the static native zlib
    zlib-shared) build lfi lfi-cc "$p" && build native "lfi-cc --sandbox=none" zlib ;;
    *) build lfi lfi-cc "$p" && build native "lfi-cc --sandbox=none" "$p" ;;
    esac
done
L=$B/programs/lfi/bin N=$B/programs/native/bin
for f in "$L"/*; do
    if "$VERIFY" "$f" >/dev/null 2>&1; then ok; else bad "$f does not verify"; fi
done

# ---- run --------------------------------------------------------------
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
python3 "$HERE/gen_input.py" text 3000000 text.in
python3 "$HERE/gen_input.py" binary 2000000 bin.in
cp "$HERE"/lua/*.lua "$ROOT"/bench/programs/lua/*.lua .

# same NAME PROG ARGS... : run native and sandboxed in $T; stdin from $IN
# (default /dev/null), after running $PRE; compare exit status and stdout byte for byte.
# The sandboxed program is $LP if set (default PROG), run with lfi-run options $RUNARGS.
IN=/dev/null PRE=: LP= RUNARGS=
same() {
    local name=$1 prog=$2; shift 2
    eval "$PRE"
    "$N/$prog" "$@" <"$IN" >"$name.native" 2>"$name.native.err"; local sn=$?
    eval "$PRE"
    # shellcheck disable=SC2086
    "$RUN" --dir "$T=$T" --wd "$T" $RUNARGS --timeout 600 -- "$L/${LP:-$prog}" "$@" <"$IN" \
        >"$name.lfi" 2>"$name.lfi.err"; local sl=$?
    if [ "$sn" != "$sl" ]; then
        bad "$name: exit status $sl under lfi-run, $sn native: $(head -c 300 "$name.lfi.err")"
    elif ! cmp -s "$name.native" "$name.lfi"; then
        bad "$name: output differs ($(cmp "$name.native" "$name.lfi" 2>&1 | head -1))"
    else
        ok
    fi
}
# roundtrip NAME PROG "COMPRESS ARGS" "DECOMPRESS ARGS" INPUT: the compressed
# bytes must match the native ones and decompress to the input.
roundtrip() {
    local name=$1 prog=$2 c=$3 d=$4 input=$5
    IN=$input same "$name-c" "$prog" $c
    IN=$name-c.lfi same "$name-d" "$prog" $d
    if cmp -s "$name-d.lfi" "$input"; then ok; else bad "$name: round trip changed the data"; fi
}

for p in $PROGS; do
    case $p in
    zlib)
        same zlib-example example
        roundtrip minigzip minigzip "-9" "-d" text.in
        roundtrip minigzip-bin minigzip "-1" "-d" bin.in ;;
    zlib-shared)
        # zlib's examplesh and minigzipsh, dynamically linked against its
        # libz.so.1; musl's loader and libc.so come from the sysroot
        D="--dir /lib=$B/sysroot/lib:ro --dir /usr/lib=$B/programs/lfi/lib:ro"
        RUNARGS=$D LP=examplesh same zlib-shared-example example
        RUNARGS=$D LP=minigzipsh roundtrip minigzip-shared minigzip "-9" "-d" text.in
        RUNARGS=$D LP=minigzipsh roundtrip minigzip-shared-bin minigzip "-1" "-d" bin.in ;;
    bzip2)
        S=$B/programs/lfi/src-bzip2
        for i in 1 2 3; do # bzip2's own tests (its Makefile's `make test`)
            IN=$S/sample$i.ref same bz-sample$i-c bzip2 -$i
            if cmp -s bz-sample$i-c.lfi "$S/sample$i.bz2"; then ok; else bad "bzip2 -$i of sample$i.ref differs from sample$i.bz2"; fi
            IN=$S/sample$i.bz2 same bz-sample$i-d bzip2 -d
            if cmp -s bz-sample$i-d.lfi "$S/sample$i.ref"; then ok; else bad "bzip2 -d sample$i.bz2 differs from sample$i.ref"; fi
        done
        roundtrip bzip2 bzip2 "-9 -c" "-d -c" text.in ;;
    lua)
        same lua-basics lua basics.lua
        # the benchmark workloads (bench/programs/lua), small sizes
        same lua-binary-trees lua binary_trees.lua 12
        same lua-spectral-norm lua spectral_norm.lua 100
        same lua-fannkuch lua fannkuch.lua 8
        same lua-nbody lua nbody.lua 20000
        same lua-strings lua strings.lua 20000 ;;
    xz)
        roundtrip xz xz "-6 -c" "-d -c" text.in
        roundtrip xz-bin xz "-1e -c -T1" "-d -c" bin.in ;;
    zstd)
        roundtrip zstd zstd "-19 -c" "-d -c" text.in
        roundtrip zstd-t2 zstd "-5 -T2 -c" "-d -c" bin.in ;;
    lz4)
        roundtrip lz4 lz4 "-9 -c" "-d -c" text.in
        roundtrip lz4-bin lz4 "-1 -c" "-d -c" bin.in ;;
    sqlite3)
        cat >script.sql <<'SQL'
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO t SELECT i, printf('row-%05d', i * 7 % 20000), i / 7.0 FROM n;
CREATE INDEX tb ON t(b);
SELECT count(*), sum(a), round(avg(c), 6), min(b), max(b) FROM t;
SELECT b FROM t WHERE b LIKE 'row-0001%' ORDER BY b LIMIT 5;
UPDATE t SET c = c * 2 WHERE a % 3 = 0;
DELETE FROM t WHERE a % 5 = 0;
SELECT count(*), round(sum(c), 3) FROM t;
SELECT group_concat(a, ',') FROM (SELECT a FROM t ORDER BY c DESC LIMIT 10);
PRAGMA integrity_check;
SQL
        IN=script.sql same sqlite3-mem sqlite3 :memory:
        IN=script.sql PRE="rm -f db.sqlite" same sqlite3-file sqlite3 db.sqlite
        # speedtest1 prints timings: compare everything else
        "$N/speedtest1" --size 5 --memdb 2>&1 | sed 's/[0-9.]*s$//' >st.native
        "$RUN" --dir "$T=$T" --wd "$T" -- "$L/speedtest1" --size 5 --memdb 2>&1 |
            sed 's/[0-9.]*s$//' >st.lfi
        if cmp -s st.native st.lfi && [ "$(wc -l <st.lfi)" -gt 20 ]; then ok; else bad "speedtest1 output differs: $(diff st.native st.lfi | head -5)"; fi ;;
    mbedtls)
        same crypto-rsa crypto_bench rsa 4
        same crypto-ecc crypto_bench ecc 8
        same crypto-sym crypto_bench sym 2
        # the digests are the fixed-seed values, the same on every machine
        # and in every build (these were printed by a gcc/glibc build)
        if grep -qx 'rsa-2048 signatures sha256 c978ada546c809f56b5edcd531cfe2e7e86008a7283eca6a4815940dd671304d' crypto-rsa.lfi &&
           grep -qx 'sha256 d8c079ac540a6d3a707a9b813e6a50e8cc0c0e3b400688776e513b7fcd3d3e45' crypto-sym.lfi
        then ok; else bad "crypto_bench: unexpected digests: $(cat crypto-rsa.lfi crypto-sym.lfi | head -c 400)"; fi ;;
    esac
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
