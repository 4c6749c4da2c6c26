/* Start the program in the working directory its runner chose.
 *
 * wasi-libc keeps the current directory inside the module (it starts as
 * "/"); WASI preview1 has no way for the host to set it. The runners
 * (bench/wasm/node-run.mjs, bench/wasm/wasm2c) pass their --wd DIR as the
 * environment variable PWD, and this constructor, linked into every module
 * built by bench/wasm/build-wasm.sh, changes to it before main runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void wasi_compat_chdir_pwd(void)
{
    const char *pwd = getenv("PWD");
    if (pwd != NULL && pwd[0] != '\0' && strcmp(pwd, "/") != 0 && chdir(pwd) != 0) {
        fprintf(stderr, "wasi-compat: cannot change to the working directory %s (PWD): "
                "is it under a preopened directory?\n", pwd);
        exit(125);
    }
}
