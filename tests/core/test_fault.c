/* Fault containment: each kind of fault in sandbox code ends the run or
 * invoke with LFI_ERR_FAULT naming the signal, address and pc; the host,
 * the context and other boxes carry on. Faults in host code stay fatal. */
#include "harness.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

static struct env env;

static void handler(struct LFIContext *ctx)
{
    lfi_ctx_exit(ctx, (int)lfi_ctx_regs(ctx)->rax);
}

static void expect_fault(const char *what, int code, int signo, uint64_t pc, uint64_t addr)
{
    struct LFIFault f;
    int st = lfi_ctx_status(env.ctx, &f);
    CHECK(st == LFI_ERR_FAULT, "%s: status %d", what, st);
    CHECK(lfi_errno() == LFI_ERR_FAULT, "%s: lfi_errno %d", what, lfi_errno());
    CHECK(f.signo == signo, "%s: signal %d, want %d", what, f.signo, signo);
    CHECK(pc == 0 || f.pc == pc, "%s: pc %#llx, want %#llx", what, (unsigned long long)f.pc,
          (unsigned long long)pc);
    CHECK(addr == 0 || f.addr == addr, "%s: address %#llx, want %#llx", what,
          (unsigned long long)f.addr, (unsigned long long)addr);
    CHECK(code == LFI_EXIT_ERROR || code == 0, "%s: result %d", what, code);
    CHECK(strstr(lfi_errmsg(), "pc") != NULL, "%s: message %s", what, lfi_errmsg());
    /* the context still works */
    CHECK(lfi_ctx_run(env.ctx, P(&env, p_syscall42)) == 42, "%s: run afterwards", what);
    CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), 1, 2) == 3,
          "%s: invoke afterwards", what);
}

static void run_fault(const char *what, const uint8_t *prog, int signo, uint64_t pc_off,
                      uint64_t addr)
{
    lfi_clearerr();
    int code = lfi_ctx_run(env.ctx, P(&env, prog));
    CHECK(code == LFI_EXIT_ERROR, "%s: run result %d", what, code);
    expect_fault(what, code, signo, P(&env, prog) + pc_off, addr);
}

static void invoke_fault(const char *what, const uint8_t *prog, int signo, uint64_t pc_off,
                         uint64_t addr)
{
    lfi_clearerr();
    long r = LFI_INVOKE(env.box, &env.ctx, P(&env, prog), long, ());
    CHECK(r == 0, "%s: invoke result %ld", what, r);
    expect_fault(what, 0, signo, P(&env, prog) + pc_off, addr);
}

static void test_kinds(void)
{
    struct LFIBoxInfo in = lfi_box_info(env.box);
    run_fault("ud2", p_ud2, SIGILL, 0, 0);
    run_fault("int3", p_int3, SIGTRAP, 1, 0);
    run_fault("divide", p_div0, SIGFPE, 9, 0);
    run_fault("store to the table", p_store_ro, SIGSEGV, 5, in.base + 0x100);
    invoke_fault("invoke ud2", p_ud2, SIGILL, 0, 0);
    invoke_fault("invoke divide", p_div0, SIGFPE, 9, 0);
    invoke_fault("invoke store", p_store_ro, SIGSEGV, 5, in.base + 0x100);

    /* load from an unmapped address chosen by the caller */
    lfi_clearerr();
    long r = LFI_INVOKE(env.box, &env.ctx, P(&env, p_load_far), long, (uint32_t), 0x90000000u);
    CHECK(r == 0, "load result");
    expect_fault("load unmapped", 0, SIGSEGV, P(&env, p_load_far), in.base + 0x90000000u);

    /* store to read-only sandbox code */
    lfi_clearerr();
    r = LFI_INVOKE(env.box, &env.ctx, P(&env, p_store_far), long, (uint32_t, long),
                   (uint32_t)P(&env, f_add), 0);
    expect_fault("store to code", 0, SIGSEGV, P(&env, p_store_far), P(&env, f_add));

    /* stack overflow: the signal arrives on the alternate stack */
    lfi_clearerr();
    lfiptr small = lfi_box_mapany(env.box, 4096, LFI_PROT_READ | LFI_PROT_WRITE,
                                  LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    lfi_ctx_regs(env.ctx)->sp = small + 4096;
    int code = lfi_ctx_run(env.ctx, P(&env, p_overflow));
    CHECK(code == LFI_EXIT_ERROR, "overflow result %d", code);
    struct LFIFault f;
    CHECK(lfi_ctx_status(env.ctx, &f) == LFI_ERR_FAULT && f.signo == SIGSEGV &&
          f.addr == small - 8, "overflow at %#llx", (unsigned long long)f.addr);
    lfi_ctx_regs(env.ctx)->sp = env.stack;
    lfi_box_munmap(env.box, small, 4096);

    /* SIGBUS: a file mapping beyond the end of the file */
    int fd = memfd_create("short", 0);
    CHECK(ftruncate(fd, 4096) == 0, "ftruncate");
    lfiptr m = lfi_box_mapany(env.box, 8192, LFI_PROT_READ, LFI_MAP_PRIVATE, fd, 0);
    CHECK(m != (lfiptr)-1, "map");
    lfi_clearerr();
    r = LFI_INVOKE(env.box, &env.ctx, P(&env, p_load_far), long, (uint32_t), (uint32_t)m + 4096);
    expect_fault("bus error", 0, SIGBUS, P(&env, p_load_far), m + 4096);
    /* and the runtime's own copies of that page fail cleanly */
    char c;
    lfi_clearerr();
    CHECK(lfi_box_copyfm(env.box, &c, m + 4096, 1) == NULL, "copy from the SIGBUS page");
    CHECK_ERR(LFI_ERR_NOTMAPPED);
    lfi_box_munmap(env.box, m, 8192);
    close(fd);
}

/* A fault in an invoke made from a system-call handler ends that invoke
 * only; the outer run continues. */
static int inner_result = -1, inner_status = -1;
static void nested_handler(struct LFIContext *ctx)
{
    struct LFIRegs *r = lfi_ctx_regs(ctx);
    if (r->rax == 1) {
        inner_result = LFI_INVOKE(env.box, &env.ctx, P(&env, p_ud2), int, ());
        inner_status = lfi_ctx_status(ctx, NULL);
        r->rax = 100;
        return;
    }
    lfi_ctx_exit(ctx, (int)r->rax);
}

static void test_nested(void)
{
    lfi_sys_handler(env.engine, nested_handler);
    int code = lfi_ctx_run(env.ctx, P(&env, p_preserve));
    CHECK(inner_result == 0 && inner_status == LFI_ERR_FAULT, "inner fault %d %d", inner_result,
          inner_status);
    CHECK(code == 100 + 11 + 22 + 33 + 44 + 55 + 66 + 77 + 88 + 99 + 111 + 123 + 7 + 11 + 44,
          "outer run after the inner fault: %d", code);
    lfi_sys_handler(env.engine, handler);
}

/* Other boxes are unaffected. */
static void test_other_box(void)
{
    struct env e2;
    env_box(&e2, env.engine);
    CHECK(lfi_ctx_run(e2.ctx, P(&e2, p_ud2)) == LFI_EXIT_ERROR, "fault in box 2");
    CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), 2, 2) == 4, "box 1");
    CHECK(LFI_INVOKE(e2.box, &e2.ctx, P(&e2, f_add), int, (int, int), 3, 3) == 6, "box 2");
    env_free_box(&e2);
}

/* Faults in host code are not caught: they kill the process as usual. */
static void test_host_fault(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        volatile int *volatile bad = (int *)16;
        *bad = 1;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "host fault is fatal: status %#x", st);

    /* a host handler installed before the runtime still gets its signals */
    pid = fork();
    if (pid == 0) {
        _exit(raise(SIGTRAP) == 0 ? 3 : 4);
    }
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTRAP, "raised SIGTRAP: status %#x", st);
}

static volatile sig_atomic_t usr_segv;
static char *usr_page;
static void usr_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if ((char *)si->si_addr != usr_page) {
        signal(SIGSEGV, SIG_DFL); /* not ours: let it kill the process */
        return;
    }
    usr_segv = 1;
    mprotect(usr_page, 4096, PROT_READ | PROT_WRITE);
}

/* The embedder's SIGSEGV handler, installed before the runtime, still gets
 * the faults that are not the sandbox's. */
static void test_chain(void)
{
    if (UNDER_ASAN)
        return; /* it intercepts sigaction(SIGSEGV) */
    usr_page[0] = 1;
    CHECK(usr_segv == 1 && usr_page[0] == 1, "the embedder's handler ran");
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = usr_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    usr_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    env_new(&env, (struct LFIOptions){ 0 }, 3);
    lfi_sys_handler(env.engine, handler);
    lfi_box_init_ret(env.box);
    test_kinds();
    test_nested();
    test_other_box();
    test_host_fault();
    test_chain();
    env_free(&env);
    TEST_DONE();
}
