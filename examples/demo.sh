#!/bin/sh
# make demo: build a C program with lfi-cc, run it sandboxed with lfi-run,
# and show the verifier refusing an escaping program.
set -u
BUILD=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "== lfi-cc -O2 examples/hello.c -o hello   (compiled, rewritten, linked against the sandbox musl, verified)"
"$BUILD/tools/lfi-cc" -O2 examples/hello.c -o "$T/hello" || exit 1
echo "== lfi-run hello world"
"$BUILD/tools/lfi-run" "$T/hello" world; rc=$?
echo "   exit status $rc"
echo "== lfi-verify $BUILD/examples/escape-x64 (stores through a raw pointer)"
"$BUILD/tools/lfi-verify" "$BUILD/examples/escape-x64"; rc2=$?
echo "   exit status $rc2"
echo "== lfi-run $BUILD/examples/escape-x64"
"$BUILD/tools/lfi-run" "$BUILD/examples/escape-x64"; rc3=$?
echo "   exit status $rc3"
[ $rc -eq 0 ] && [ $rc2 -eq 1 ] && [ $rc3 -eq 2 ]
