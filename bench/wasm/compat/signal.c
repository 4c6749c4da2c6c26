/* POSIX signal calls on top of wasi-libc's signal emulation; see
 * include/signal.h. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int bad_signal(int sig)
{
    if (sig <= 0 || sig >= _NSIG) {
        errno = EINVAL;
        return 1;
    }
    return 0;
}

int sigemptyset(sigset_t *set) { *set = 0; return 0; }
int sigfillset(sigset_t *set) { *set = (sigset_t)~0u; return 0; }
int sigaddset(sigset_t *set, int sig) { (void)set; return bad_signal(sig) ? -1 : 0; }
int sigdelset(sigset_t *set, int sig) { (void)set; return bad_signal(sig) ? -1 : 0; }
int sigismember(const sigset_t *set, int sig) { (void)set; return bad_signal(sig) ? -1 : 0; }

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
    if (set != NULL && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK) {
        errno = EINVAL;
        return -1;
    }
    if (old != NULL)
        *old = 0;
    return 0;
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old)
{
    if (bad_signal(sig))
        return -1;
    void (*prev)(int) = SIG_DFL;
    if (act != NULL) {
        prev = signal(sig, act->sa_handler);
        if (prev == SIG_ERR)
            return -1;
    } else {
        /* No way to read the handler without setting it: set it back. */
        prev = signal(sig, SIG_DFL);
        if (prev == SIG_ERR)
            return -1;
        signal(sig, prev);
    }
    if (old != NULL) {
        memset(old, 0, sizeof *old);
        old->sa_handler = prev;
    }
    return 0;
}

int kill(pid_t pid, int sig)
{
    if (pid != getpid() && pid != 0) {
        errno = ESRCH;
        return -1;
    }
    if (sig == 0)
        return 0;
    return bad_signal(sig) ? -1 : raise(sig);
}
