#!/bin/bash
# Lua's own test suite under lfi-run: every Lua chunk of the official Lua 5.3
# test files (as split into test cases by the npm package fengari 0.1.5,
# test/test-suite/*.test.js) is run by the lua 5.4 of tests/programs built
# with lfi-cc and sandboxed, and by the same lua built natively against the
# same musl (lfi-cc --sandbox=none); exit status, stdout and stderr must be
# identical. These are 5.3 tests run on 5.4, so a few chunks fail natively
# too; at least MIN_PASS chunks must pass (exit 0) so the test cannot pass
# vacuously. Chunks that need the C API test library (T) or os.execute /
# io.popen are skipped and listed (tests/programs/lua_suite.py).
#
# usage: test_lua_suite.sh BUILDDIR
# Needs registry.npmjs.org once (the tarball is cached in bench/work/src).
set -u
B=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MIN_PASS=240 # 267 of 294 chunks pass with Debian 12's lua 5.4.4 (Dec 2026)

# ---- build lua, as tests/programs/test_programs.sh does -----------------
build() { # VARIANT CC
    local out=$B/programs/$1
    local stamp=$out/.built-lua
    if [ -f "$stamp" ] && [ "$stamp" -nt "$B/tools/lfi-cc" ] &&
       [ "$stamp" -nt "$B/sysroot/sysroot.stamp" ]; then
        return 0
    fi
    if sh "$ROOT/scripts/build-program.sh" lua "$2" "$out" >/dev/null; then
        touch "$stamp"
    else
        echo "FAIL: building lua ($1)"
        echo "0 passed, 1 failed"
        exit 1
    fi
}
export PATH=$B/tools:$PATH
build lfi lfi-cc
build native "lfi-cc --sandbox=none"

# ---- fetch and extract the test suite -----------------------------------
TGZ=$(python3 "$ROOT/scripts/fetch-npm.py" fengari 0.1.5 "$ROOT/bench/work/src") || {
    echo "FAIL: cannot get the fengari tarball (see above)"
    echo "0 passed, 1 failed"
    exit 1
}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 "$HERE/lua_suite.py" extract "$TGZ" "$T" || {
    echo "FAIL: cannot extract the Lua chunks"
    echo "0 passed, 1 failed"
    exit 1
}

# ---- run ----------------------------------------------------------------
python3 "$HERE/lua_suite.py" run "$T" "$B/programs/native/bin/lua" \
    "$B/programs/lfi/bin/lua" "$B/tools/lfi-run" "$MIN_PASS" 2
