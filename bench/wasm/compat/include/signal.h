/* wasi-libc's signal.h (with -D_WASI_EMULATED_SIGNAL: signal() and raise()
 * only) plus the POSIX calls the benchmark programs use to install
 * handlers and block signals around critical sections (Lua's lua.c, xz):
 * sigaction() installs the handler with signal(); signal masks are
 * accepted and have no effect, since WASI delivers no asynchronous signals
 * (only raise() in the program itself runs a handler). kill() reaches only
 * the program itself. Defined in bench/wasm/compat/signal.c. */
#include_next <signal.h>
#ifndef WASI_COMPAT_SIGNAL_H
#define WASI_COMPAT_SIGNAL_H
#include <sys/types.h>
#include <__typedef_sigset_t.h>

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

struct sigaction {
    void (*sa_handler)(int);
    sigset_t sa_mask;
    int sa_flags;
};

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old);
int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old);
int kill(pid_t pid, int sig);

#endif
