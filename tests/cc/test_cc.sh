#!/bin/bash
# lfi-cc as a drop-in compiler: modes, outputs, dependency files, errors,
# the sysroot's objects. usage: test_cc.sh BUILDDIR
set -u
B=$(cd "$1" && pwd)
CC=$B/tools/lfi-cc
CLANG=$B/tools/lfi-clang
VERIFY=$B/tools/lfi-verify
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
# expect STATUS CMD...: run CMD, check its exit status; output in $T/out
expect() {
    local want=$1; shift
    "$@" >out 2>&1; local got=$?
    if [ "$got" = "$want" ]; then ok; else bad "$* -> exit $got, want $want: $(head -c 400 out)"; fi
}
has() { if grep -q -- "$2" "$1"; then ok; else bad "$1 lacks '$2': $(head -c 300 "$1")"; fi; }

cat >hello.c <<'C'
#include <stdio.h>
#include "val.h"
int twice(int);
int main(void) { printf("hello %d\n", twice(VAL)); return 0; }
C
echo '#define VAL 21' >val.h
echo 'int twice(int x) { return 2 * x; }' >twice.c

expect 0 "$CC" --help; has out "usage: lfi-cc"
expect 2 "$CC"; has out "no input files"

# -c: a verified relocatable object
expect 0 "$CC" -O2 -c hello.c
[ -f hello.o ] && ok || bad "-c wrote no hello.o"
expect 0 "$VERIFY" hello.o

# -S: LFI assembly
expect 0 "$CC" -O2 -S twice.c -o twice.s
has twice.s ".bundle_align_mode 5"

# -E: the sysroot's headers, not the host's
expect 0 "$CC" -E hello.c -o hello.i
has hello.i "sysroot/include/stdio.h"
if grep -q "/usr/include/stdio.h" hello.i; then bad "-E used the host's stdio.h"; else ok; fi

# -MD with -o in a subdirectory: the .d file names the object
mkdir -p sub
expect 0 "$CC" -MD -c hello.c -o sub/h.o
[ -f sub/h.d ] && ok || bad "-MD wrote no sub/h.d"
has sub/h.d "^sub/h.o:"
has sub/h.d "val.h"
expect 0 "$CC" -MMD -MF deps.txt -MT target -c twice.c -o t.o
has deps.txt "^target:"
expect 0 "$CC" -M hello.c
has out "hello.o:"

# link several inputs, objects and sources mixed; the result verifies
expect 0 "$CC" -O2 -o prog hello.o twice.c
expect 0 "$VERIFY" prog
has out "verification passed"
expect 0 "$CLANG" -O2 -o prog-clang hello.c twice.c
expect 0 "$VERIFY" prog-clang

# stdin, -x
expect 0 sh -c "echo 'int f(void){return 7;}' | '$CC' -x c -c - -o stdin.o"
expect 0 "$VERIFY" stdin.o

# .S is preprocessed, then rewritten
cat >asm.S <<'S'
#define RET_VAL 5
    .text
    .globl five
five:
    movl $RET_VAL, %eax
    ret
S
expect 0 "$CC" -c asm.S -o asm.o
expect 0 "$VERIFY" asm.o

# input the rewriter refuses: the message names the file and line
printf '\t.text\nf:\n\tmovq %%rdi, %%r14\n\tret\n' >r14.s
expect 1 "$CC" -c r14.s -o r14.o
has out "r14.s:3:"
[ -f r14.o ] && bad "refused input left r14.o" || ok

# a native object linked in: verification fails, nothing is left behind
gcc -O2 -c twice.c -o native.o
expect 1 "$CC" -o mixed hello.o native.o
has out "verification failed"
[ -f mixed ] && bad "an unverifiable program was left behind" || ok
expect 0 "$CC" --no-verify -o mixed hello.o native.o
expect 1 "$VERIFY" mixed

# usage errors
echo 'int main(){}' >x.cpp
expect 2 "$CC" -c x.cpp; has out "only C and assembly"
expect 1 "$CC" -c hello.c twice.c -o both.o; has out "cannot specify -o"
expect 2 "$CC" -c hello.c -o; has out "missing argument"
expect 1 "$CC" --dynamic --sandbox=none -o x twice.c; has out "not with --sandbox=none"
expect 1 "$CC" -Xlfi-rewrite --bogus -c twice.c; has out "unknown rewriter option"
LFI_SYSROOT=$T/none expect 1 "$CC" -c hello.c; has out "LFI_SYSROOT"

# flags the scheme overrides are dropped, others reach the compiler
expect 0 "$CC" -static -no-pie -fno-pic -flto -O1 -DVAL2=77 -S -o v.s -x c - <<<'int v(void){return VAL2;}'
has v.s '\$77'

# stores-only sandboxing: the loads stay, so full verification refuses it
cat >load.c <<'C'
int get(int *p, long i) { return p[i]; }
C
expect 0 "$CC" --sandbox=stores -O2 -c load.c -o load-st.o
expect 0 "$VERIFY" -s stores load-st.o
expect 1 "$VERIFY" -s full load-st.o

# --single-thread: returns as push + ret, the program carries the LFI note,
# lfi-run runs it in a single-threaded box (no threads), and the same code
# without the note is refused (the verifier accepts push + ret only for
# single-threaded boxes).
RUN=$B/tools/lfi-run
cat >st.c <<'C'
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static void *worker(void *a) { return a; }
int main(void)
{
    pthread_t t;
    int e = pthread_create(&t, 0, worker, 0);
    printf("fib %d, pthread_create %s\n", fib(20), e == EAGAIN ? "EAGAIN" : e ? "other error" : "ok");
    return 0;
}
C
expect 0 "$CC" -O2 --single-thread -S st.c -o st.s
if grep -q "pushq %r11" st.s && grep -q "retq" st.s; then ok; else bad "--single-thread -S: no push + ret"; fi
expect 0 "$CC" -O2 --single-thread st.c -o st -lpthread
expect 0 readelf -n st; has out "LFI"
expect 1 "$VERIFY" st; has out "encoding-not-allowed"
expect 0 "$VERIFY" --single-thread st
expect 0 "$RUN" st; has out "fib 6765, pthread_create EAGAIN"
objcopy --remove-section .note.lfi st st-nonote
expect 2 "$RUN" st-nonote; has out "verification failed"
expect 0 "$CC" -O2 st.c -o st-mt -lpthread
expect 0 "$RUN" st-mt; has out "fib 6765, pthread_create ok"

# every object of the sysroot passes the verifier
S=$B/sysroot/lib
mkdir objs && (cd objs && ar x "$S/libc.a" && ar x "$S/liblfi-builtins.a")
n=0 nbad=0
for o in objs/* "$S"/*crt*.o; do
    n=$((n + 1))
    "$VERIFY" "$o" >/dev/null 2>&1 || { nbad=$((nbad + 1)); echo "sysroot object fails: $o"; }
done
if [ "$n" -gt 1000 ] && [ "$nbad" = 0 ]; then ok; else bad "sysroot: $nbad of $n objects fail verification"; fi

# the single-threaded sysroot (lfi-cc --single-thread links against it):
# every object verifies in single-thread mode, and its returns are the
# push + ret form, which the ordinary mode refuses
S1=$B/sysroot-1t/lib
if [ -d "$S1" ]; then
    mkdir objs1t && (cd objs1t && ar x "$S1/libc.a")
    n=0 nbad=0 nst=0
    for o in objs1t/*; do
        n=$((n + 1))
        "$VERIFY" --single-thread "$o" >/dev/null 2>&1 || { nbad=$((nbad + 1)); echo "sysroot-1t object fails: $o"; }
        "$VERIFY" "$o" >/dev/null 2>&1 || nst=$((nst + 1))
    done
    if [ "$n" -gt 1000 ] && [ "$nbad" = 0 ] && [ "$nst" -gt 500 ]; then ok; else
        bad "sysroot-1t: $nbad of $n objects fail single-thread verification, $nst need it"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
