/* setjmp.h for wasm32-wasi builds with clang 14, which cannot compile
 * setjmp/longjmp for WASI (that needs the wasm exception-handling proposal
 * or Emscripten's JavaScript helpers). wasi-libc has no setjmp.h at all.
 *
 * setjmp() returns 0 (the "direct" return, which is the only one that
 * happens while nothing jumps); longjmp() cannot return to it, so it ends
 * the program with a message and status 134 (bench/wasm/compat/setjmp.c).
 * Enough for programs that longjmp only on errors: Lua raises errors and
 * yields coroutines with longjmp, which the benchmark scripts never do.
 * See bench/wasm/README.md. */
#ifndef WASI_COMPAT_SETJMP_H
#define WASI_COMPAT_SETJMP_H

typedef struct { int unused; } jmp_buf[1];
typedef jmp_buf sigjmp_buf;

#define setjmp(env) ((void)(env), 0)
#define _setjmp(env) ((void)(env), 0)
#define sigsetjmp(env, savemask) ((void)(env), (void)(savemask), 0)

_Noreturn void longjmp(jmp_buf env, int val);
_Noreturn void _longjmp(jmp_buf env, int val);
_Noreturn void siglongjmp(sigjmp_buf env, int val);

#endif
