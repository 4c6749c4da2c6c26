/* setjmp/longjmp: libc's and the compiler builtins (whose receiver label is
 * reached by an indirect jump, so it must be a bundle start). */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static void *benv[5];
static int depth;

static void dive(int n)
{
    if (n == 0)
        longjmp(env, 42);
    depth++;
    dive(n - 1);
}

__attribute__((noinline)) static void bdive(int n)
{
    if (n == 0)
        __builtin_longjmp(benv, 1);
    bdive(n - 1);
}

int main(void)
{
    volatile int r = setjmp(env);
    if (r == 0)
        dive(10);
    printf("setjmp returned %d after depth %d\n", r, depth);
    if (__builtin_setjmp(benv) == 0) {
        bdive(5);
        puts("not reached");
    } else {
        puts("builtin longjmp ok");
    }
    return r == 42 ? 0 : 1;
}
