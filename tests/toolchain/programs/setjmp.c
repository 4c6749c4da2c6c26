/* setjmp/longjmp: within a frame, across several frames, out of a
 * recursion, repeated jumps to the same buffer, and sigsetjmp/siglongjmp
 * restoring (or not) the signal mask, including a jump out of a signal
 * handler. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static jmp_buf env;
static sigjmp_buf senv;
static volatile int depth_reached;
static volatile int do_jump = 1;

static void deep(int n)
{
    volatile char pad[64];
    memset((char *)pad, n, sizeof pad);
    depth_reached = n;
    if (n == 0) {
        if (do_jump)
            longjmp(env, 42);
        return;
    }
    deep(n - 1);
    printf("unreachable %d\n", pad[0]);
}

static int recurse_and_jump(int n, jmp_buf *b)
{
    if (n == 0) {
        if (do_jump)
            longjmp(*b, 7);
        return 0;
    }
    return recurse_and_jump(n - 1, b) + 1;
}

static void on_usr1(int sig)
{
    (void)sig;
    siglongjmp(senv, 2);
}

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

int main(void)
{
    /* 1. Simple: setjmp returns 0, then the longjmp value. */
    volatile int count = 0;
    int r = setjmp(env);
    count++;
    printf("setjmp returned %d (count %d)\n", r, count);
    if (r == 0)
        longjmp(env, 0);        /* longjmp(.., 0) makes setjmp return 1 */
    CHECK(r == 1 && count == 2);

    /* 2. Across 100 frames with locals. */
    r = setjmp(env);
    if (r == 0) {
        deep(100);
        CHECK(0);
    }
    printf("deep: returned %d after reaching depth %d\n", r, depth_reached);
    CHECK(r == 42 && depth_reached == 0);

    /* 3. Repeated jumps to one buffer: a loop made of longjmp. */
    volatile int loops = 0;
    jmp_buf b2;
    r = setjmp(b2);
    if (loops < 10) {
        loops++;
        recurse_and_jump(loops * 3, &b2);
    }
    printf("loop by longjmp: %d iterations, last value %d\n", loops, r);
    CHECK(loops == 10 && r == 7);

    /* 4. Volatile locals modified after setjmp keep their new value. */
    volatile long acc = 1;
    volatile double dacc = 0.5;
    if (setjmp(env) == 0) {
        acc = 12345;
        dacc = 2.25;
        longjmp(env, 1);
    }
    printf("volatile after longjmp: %ld %.2f\n", acc, dacc);
    CHECK(acc == 12345 && dacc == 2.25);

    /* 5. sigsetjmp(.., 1) restores the mask; (.., 0) does not. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    if (sigsetjmp(senv, 1) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        siglongjmp(senv, 1);
    }
    printf("sigsetjmp(1): SIGUSR2 blocked after jump: %d\n", blocked(SIGUSR2));
    CHECK(!blocked(SIGUSR2));
    if (sigsetjmp(senv, 0) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        siglongjmp(senv, 1);
    }
    printf("sigsetjmp(0): SIGUSR2 blocked after jump: %d\n", blocked(SIGUSR2));
    CHECK(blocked(SIGUSR2));
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    /* 6. Jump out of a signal handler: the handler's mask (SIGUSR1 blocked
     * while it runs) is undone by the saved mask. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    volatile int jumped = 0;
    r = sigsetjmp(senv, 1);
    if (r == 0) {
        raise(SIGUSR1);
        CHECK(0);
    } else {
        jumped = r;
    }
    printf("out of handler: value %d, SIGUSR1 blocked: %d\n", jumped, blocked(SIGUSR1));
    CHECK(jumped == 2 && !blocked(SIGUSR1));

    printf("setjmp: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
