/* wasi-libc's unistd.h plus declarations WASI leaves out but the benchmark
 * programs call (to copy a file's metadata; xz's progress timer); defined
 * in bench/wasm/compat/stubs.c. */
#include_next <unistd.h>
#ifndef WASI_COMPAT_UNISTD_H
#define WASI_COMPAT_UNISTD_H
int chown(const char *path, uid_t owner, gid_t group);
int fchown(int fd, uid_t owner, gid_t group);
int lchown(const char *path, uid_t owner, gid_t group);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
unsigned alarm(unsigned seconds);
#endif
