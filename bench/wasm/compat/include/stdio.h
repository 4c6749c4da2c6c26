/* wasi-libc's stdio.h plus popen/pclose, which WASI leaves out (no
 * processes); defined in bench/wasm/compat/stubs.c, where they fail. */
#include_next <stdio.h>
#ifndef WASI_COMPAT_STDIO_H
#define WASI_COMPAT_STDIO_H
FILE *popen(const char *command, const char *mode);
int pclose(FILE *stream);
#endif
