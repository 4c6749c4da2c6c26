#!/bin/sh
# The sysroot's libc (sysroot/malloc, sysroot/string): each test program
# built with lfi-cc --sandbox=none (build/sysroot-native) and run natively,
# and built with lfi-cc (build/sysroot) and run under lfi-run. Each must
# print a line starting with "ok" and exit 0.
# usage: run.sh BUILDDIR PROGRAM.c ARGS...
set -eu
B=$1 src=$2
shift 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
name=$(basename "$src" .c)
flags="-std=c11 -O2 -Wall -Wextra -Werror -fno-builtin -fno-tree-loop-distribute-patterns -pthread"
"$B/tools/lfi-cc" --sandbox=none $flags -o "$T/$name-native" "$src"
"$B/tools/lfi-cc" $flags -o "$T/$name-lfi" "$src"
run() { # WHAT COMMAND...
    what=$1
    shift
    out=$("$@") || { echo "libc: $name ($what) failed: exit $?" >&2; exit 1; }
    case $out in
    ok*) echo "libc: $name ($what): $out" ;;
    *) echo "libc: $name ($what): unexpected output: $out" >&2; exit 1 ;;
    esac
}
run native "$T/$name-native" "$@"
run sandboxed "$B/tools/lfi-run" "$T/$name-lfi" "$@"
