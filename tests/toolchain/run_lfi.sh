#!/bin/sh
# The toolchain corpus sandboxed: each program built with lfi-cc (gcc, -O0
# and -O2) and lfi-clang (-O0), run under lfi-run, must print exactly what
# the native gcc build prints.
# usage: run_lfi.sh BUILDDIR PROGRAM.c...
set -eu
B=$1; shift
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export PATH="$B/tools:$PATH"
python3 "$HERE/run_native.py" --cc gcc --save-dir "$T/expect" -j 2 "$@"
python3 "$HERE/run_native.py" --cc lfi-cc --no-libatomic --runner "$B/tools/lfi-run" \
    --expect-dir "$T/expect" -j 2 "$@"
# clang 14 cannot reserve %r14: the rewriter renames it to a free callee-saved
# register, which functions at -O2 often do not have (docs/toolchain.md).
python3 "$HERE/run_native.py" --cc lfi-clang --opt=O0 --no-libatomic \
    --runner "$B/tools/lfi-run" --expect-dir "$T/expect" -j 2 "$@"
# lfi-cc --single-thread (returns as push + ret, one thread per box): every
# program that creates no threads (tests/cc/test_cc.sh runs one that tries).
st=""
for p in "$@"; do
    grep -q pthread_create "$p" || st="$st $p"
done
# shellcheck disable=SC2086
python3 "$HERE/run_native.py" --cc lfi-cc --opt=O2 --cflag=--single-thread --no-libatomic \
    --runner "$B/tools/lfi-run" --expect-dir "$T/expect" -j 2 $st
# lfi-cc --dynamic: every program as a dynamically linked PIE, started by
# musl's loader (the sysroot's libc.so, seen by the sandbox as /lib)
python3 "$HERE/run_native.py" --cc lfi-cc --opt=O2 --cflag=--dynamic --no-libatomic \
    --runner "$B/tools/lfi-run --dir /lib=$B/sysroot/lib:ro" --expect-dir "$T/expect" -j 2 "$@"
