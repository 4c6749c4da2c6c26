/* sys/wait.h for WASI, which has no processes to wait for (wasi-libc has
 * no such header). Lua's os.execute/io.popen (LUA_USE_POSIX) decode a
 * status with these macros; popen() and system() always fail here
 * (compat/stubs.c), so the macros only have to compile. musl's values. */
#ifndef WASI_COMPAT_SYS_WAIT_H
#define WASI_COMPAT_SYS_WAIT_H
#include <sys/types.h>

#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WIFEXITED(s) (!WTERMSIG(s))
#define WIFSTOPPED(s) ((short)((((s) & 0xffff) * 0x10001U) >> 8) > 0x7f00)
#define WIFSIGNALED(s) (((s) & 0xffff) - 1U < 0xffu)

#endif
