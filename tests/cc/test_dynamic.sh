#!/bin/bash
# Dynamic linking in the sandbox: lfi-cc --dynamic and -shared against the
# sysroot's libc.so, musl's own dynamic loader (/lib/ld-musl-x86_64.so.1 in
# the sandbox's file view) run by lfi-run, shared libraries loaded at
# start-up and with dlopen, and the refusals: unverifiable libraries (the
# runtime verifies what the loader maps executable), PLTs, missing loader.
# usage: test_dynamic.sh BUILDDIR
set -u
B=$(cd "$1" && pwd)
CC=$B/tools/lfi-cc
VERIFY=$B/tools/lfi-verify
RUN=$B/tools/lfi-run
S=$B/sysroot/lib
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
hasnt() { if grep -q -- "$2" "$1"; then bad "$1 has '$2'"; else ok; fi; }

if [ ! -f "$S/libc.so" ]; then
    echo "FAIL: $S/libc.so missing (the sysroot has no shared libc)"
    exit 1
fi
# the sandbox's /lib is the sysroot's (its loader and libc.so), /usr/lib
# holds the test's libraries (musl's default search path has both)
mkdir -p libs
SYS="--dir /lib=$S:ro --dir /usr/lib=$T/libs:ro"

cat >hello.c <<'C'
#include <stdio.h>
int twice(int);
int main(void) { printf("hello %d\n", twice(21)); return 0; }
C
echo 'int twice(int x) { return 2 * x; }' >twice.c

# a dynamically linked PIE: musl's loader as interpreter, libc.so needed,
# no PLT, verified
expect 0 "$CC" -O2 --dynamic hello.c twice.c -o hd
expect 0 readelf -lW hd; has out "Requesting program interpreter: /lib/ld-musl-x86_64.so.1"
expect 0 readelf -dW hd; has out "Shared library: \[libc.so\]"
expect 0 readelf -SW hd; hasnt out " \.plt "
expect 0 "$VERIFY" hd
expect 0 "$RUN" $SYS hd; has out "^hello 42$"
# no loader in the sandbox's files: a clear error, before anything runs
expect 2 "$RUN" hd; has out "interpreter /lib/ld-musl-x86_64.so.1"
has out "looked up in the sandbox's files"

# a shared library with data, relocated function pointers, a callback into
# the program, errno and malloc from libc.so, a constructor, thread-local
# storage; loaded at start-up
cat >lib.c <<'C'
#include <errno.h>
#include <stdlib.h>
#include <string.h>
static int add1(int x) { return x + 1; }
static int sq(int x) { return x * x; }
int (*const lib_ops[2])(int) = { add1, sq };
int lib_counter = 5;
static __thread int lib_tls = 100;
static int ctor_ran;
__attribute__((constructor)) static void init(void) { ctor_ran = 1; }
int lib_apply(int (*f)(int), int x) { return f(x) + lib_counter + ctor_ran; }
int lib_tls_next(void) { return ++lib_tls; }
char *lib_dup(const char *s) { errno = 0; char *d = malloc(strlen(s) + 1); return d ? strcpy(d, s) : 0; }
C
cat >uselib.c <<'C'
#include <stdio.h>
#include <stdlib.h>
extern int (*const lib_ops[2])(int);
extern int lib_counter;
int lib_apply(int (*f)(int), int x);
int lib_tls_next(void);
char *lib_dup(const char *s);
static int neg(int x) { return -x; }
int main(void)
{
    lib_counter = 10;
    char *d = lib_dup("copied");
    int t1 = lib_tls_next(), t2 = lib_tls_next();
    printf("ops %d %d apply %d tls %d %d %s\n", lib_ops[0](4), lib_ops[1](4),
           lib_apply(neg, 3), t1, t2, d);
    free(d);
    return 0;
}
C
expect 0 "$CC" -O2 -fPIC -shared lib.c -o libs/libt.so
expect 0 readelf -SW libs/libt.so; hasnt out " \.plt "
expect 0 "$VERIFY" libs/libt.so
expect 0 "$CC" -O2 --dynamic uselib.c -o uselib -L libs -lt
expect 0 "$RUN" $SYS uselib; has out "^ops 5 16 apply 8 tls 101 102 copied$"

# dlopen and dlsym; a library the runtime refuses to make executable (native
# code, not rewritten): dlopen fails with the loader's message, nothing of it
# runs, the program carries on
cat >plug.c <<'C'
int plug_value(void) { return 1234; }
C
cat >dl.c <<'C'
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        void *h = dlopen(argv[i], RTLD_NOW);
        if (!h) {
            printf("%s: refused\n", argv[i]);
            continue;
        }
        int (*f)(void) = (int (*)(void))dlsym(h, "plug_value");
        printf("%s: %d\n", argv[i], f ? f() : -1);
    }
    return 0;
}
C
expect 0 "$CC" -O2 -fPIC -shared plug.c -o libs/libplug.so
# the loader maps whole pages of code from the file: lfi-cc filled the rest
# of the code's last page with int3 and made the segment cover it
expect 0 readelf -lW libs/libplug.so; has out "LOAD .* 0x001000 0x001000 R E"
gcc -O2 -fPIC -shared -nostdlib plug.c -o libs/libnative.so
expect 1 "$VERIFY" libs/libnative.so
expect 0 "$CC" -O2 --dynamic dl.c -o dl
expect 0 "$RUN" $SYS dl /usr/lib/libnative.so /usr/lib/libplug.so /usr/lib/libt.so
has out "^/usr/lib/libnative.so: refused$"
has out "^/usr/lib/libplug.so: 1234$"
# thread-local storage in shared libraries is initial-exec: a library with
# TLS works when loaded at start-up (above), dlopen refuses it
has out "^/usr/lib/libt.so: refused$"
# the same native library needed at start-up: the loader gives up, exit 127
echo 'int plug_value(void); int main(void) { return plug_value() == 1234 ? 0 : 1; }' >needs.c
cp libs/libnative.so libs/libplug2.so
expect 0 "$CC" -O2 --dynamic --no-verify needs.c -o needs -L libs -lplug2
expect 127 "$RUN" $SYS needs; has out "libplug2.so"
# with the good library of that name it runs
cp libs/libplug.so libs/libplug2.so
expect 0 "$RUN" $SYS needs

# lfi-cc's refusals: an object compiled without -fno-plt in a dynamic link
# (the PLT cannot be verified), and the modes that have no shared libc
expect 0 "$CC" -O2 -fPIC -shared twice.c -o libs/libtw.so
expect 0 "$CC" -O2 -c hello.c -o hello-static.o
expect 1 "$CC" --dynamic hello-static.o -o plt -L libs -ltw
has out "probably a PLT entry"
[ -f plt ] && bad "an unverifiable program was left behind" || ok
expect 1 "$CC" --dynamic --single-thread hello.c twice.c -o x; has out "not with --single-thread"
expect 1 "$CC" --dynamic --sandbox=none hello.c twice.c -o x; has out "not with --sandbox=none"

# the shared libc itself verifies, and its loader is the same file
expect 0 "$VERIFY" "$S/libc.so"
[ "$(readlink "$S/ld-musl-x86_64.so.1")" = libc.so ] && ok || bad "ld-musl-x86_64.so.1 is not a link to libc.so"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
