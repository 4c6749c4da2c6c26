#!/bin/sh
# make demo: show the verifier accepting a sandboxed program and refusing
# an escaping one. (Later issues run the program under lfi-run.)
set -u
BUILD=${1:-build}
V="$BUILD/tools/lfi-verify"
echo "== lfi-verify $BUILD/examples/hello-x64 (a sandboxed program)"
"$V" "$BUILD/examples/hello-x64"; rc=$?
echo "   exit status $rc"
echo "== lfi-verify $BUILD/examples/escape-x64 (stores through a raw pointer)"
"$V" "$BUILD/examples/escape-x64"; rc2=$?
echo "   exit status $rc2"
[ $rc -eq 0 ] && [ $rc2 -eq 1 ]
