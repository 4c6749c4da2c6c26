/* wasi-libc's fcntl.h plus the POSIX advisory-lock commands, which WASI
 * lacks (wasi-libc declares struct flock but no F_GETLK/F_SETLK/F_*LCK).
 * SQLite's unix VFS names them in its POSIX-lock code; the wasm build
 * selects its "unix-dotfile" VFS instead (as SQLite's own WASI support,
 * 3.41 on, does), so these commands are never issued. Values as in SQLite
 * 3.41's os_unix.c for wasm32. */
#include_next <fcntl.h>
#ifndef WASI_COMPAT_FCNTL_H
#define WASI_COMPAT_FCNTL_H
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_GETLK 12
#define F_SETLK 13
#define F_SETLKW 14
#endif
#endif
