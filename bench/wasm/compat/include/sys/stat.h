/* wasi-libc's sys/stat.h plus chmod/fchmod/umask, which WASI leaves out;
 * defined in bench/wasm/compat/stubs.c. */
#include_next <sys/stat.h>
#ifndef WASI_COMPAT_SYS_STAT_H
#define WASI_COMPAT_SYS_STAT_H
int chmod(const char *path, mode_t mode);
int fchmod(int fd, mode_t mode);
mode_t umask(mode_t mask);
#endif
