/* longjmp for the setjmp.h shim (see include/setjmp.h): nothing can be
 * jumped to, so end the program with a clear message. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static _Noreturn void no_longjmp(const char *name)
{
    fprintf(stderr, "wasi-compat: %s called: this WebAssembly build cannot unwind to setjmp "
            "(clang 14 has no setjmp/longjmp for wasm32-wasi); the program hit an error or "
            "a control transfer it would have recovered from natively\n", name);
    _Exit(134);
}

void longjmp(jmp_buf env, int val) { (void)env; (void)val; no_longjmp("longjmp"); }
void _longjmp(jmp_buf env, int val) { (void)env; (void)val; no_longjmp("_longjmp"); }
void siglongjmp(sigjmp_buf env, int val) { (void)env; (void)val; no_longjmp("siglongjmp"); }
