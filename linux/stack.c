/* The main thread's stack: argv and envp strings, AT_RANDOM bytes, the
 * pointer vectors and the auxiliary vector, as the Linux kernel lays
 * them out for a new program. */
#include "internal.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>

#define MAX_STRINGS 65536   /* argv + envp entries */

bool lx_stack_init(struct LFILinuxThread *t, int argc, const char **argv, const char **envp)
{
    struct LFILinuxProc *p = t->proc;
    size_t ps = p->pagesize;
    size_t len = (p->lx->opts.stacksize + ps - 1) & ~(size_t)(ps - 1);
    /* count the strings and their bytes */
    size_t nargs = 0, nenv = 0, strbytes = 0;
    for (; argv && (int)nargs < argc && argv[nargs]; nargs++)
        strbytes += strlen(argv[nargs]) + 1;
    for (; envp && envp[nenv]; nenv++)
        strbytes += strlen(envp[nenv]) + 1;
    const char *execfn = nargs ? argv[0] : (p->path ? p->path : "program");
    strbytes += strlen(execfn) + 1 + sizeof "x86_64" + p->phnum * 56 + 16;
    size_t vecbytes = (1 + nargs + 1 + nenv + 1 + 2 * 24) * 8;
    if (nargs + nenv > MAX_STRINGS || strbytes + vecbytes + 64 > len / 4) {
        lx_err("lfi_thread_new: the arguments and environment are too large (%zu strings, "
               "%zu bytes) for a stack of %zu bytes", nargs + nenv, strbytes, len);
        return false;
    }
    if (!lx_mem_charge(p, len)) {
        lx_err("lfi_thread_new: the stack (%zu bytes) exceeds the memory limit", len);
        return false;
    }
    /* stack with a guard page below it */
    lfiptr lo = lfi_box_mapany(p->box, len + ps, LFI_PROT_NONE,
                               LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    if (lo == (lfiptr)-1 ||
        lfi_box_mprotect(p->box, lo + ps, len, LFI_PROT_READ | LFI_PROT_WRITE) < 0) {
        lx_err_core("lfi_thread_new: mapping the stack");
        if (lo != (lfiptr)-1)
            lfi_box_munmap(p->box, lo, len + ps);
        lx_mem_uncharge(p, len);
        return false;
    }
    t->stack = lo;
    t->stacklen = len + ps;
    uint64_t top = lo + ps + len;
    /* strings, from the top down */
    uint64_t sp = top - 16;
    uint64_t *argp = calloc(nargs + nenv + 1, sizeof *argp);
    if (!argp) {
        lx_err("lfi_thread_new: out of memory");
        return false;
    }
    for (size_t i = 0; i < nargs + nenv; i++) {
        const char *s = i < nargs ? argv[i] : envp[i - nargs];
        size_t n = strlen(s) + 1;
        sp -= n;
        memcpy((void *)(uintptr_t)sp, s, n);
        argp[i] = sp;
    }
    size_t n = strlen(execfn) + 1;
    sp -= n;
    memcpy((void *)(uintptr_t)sp, execfn, n);
    uint64_t execfn_at = sp;
    sp -= sizeof "x86_64";
    memcpy((void *)(uintptr_t)sp, "x86_64", sizeof "x86_64");
    uint64_t platform_at = sp;
    sp &= ~(uint64_t)15;
    sp -= 16;
    uint8_t rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        memset(rnd, 0x5a, sizeof rnd);
    memcpy((void *)(uintptr_t)sp, rnd, sizeof rnd);
    uint64_t random_at = sp;
    /* the program headers, if no segment holds them */
    uint64_t phdr = p->phdr;
    if (!phdr && p->phdr_copy) {
        sp -= p->phnum * 56;
        sp &= ~(uint64_t)15;
        memcpy((void *)(uintptr_t)sp, p->phdr_copy, p->phnum * 56);
        phdr = sp;
    }
    /* auxv */
    uint64_t aux[2 * 24];
    size_t na = 0;
#define AUX(k, v) (aux[na++] = (k), aux[na++] = (uint64_t)(v))
    AUX(AT_PHDR, phdr);
    AUX(AT_PHENT, sizeof(Elf64_Phdr));
    AUX(AT_PHNUM, p->phnum);
    AUX(AT_PAGESZ, ps);
    AUX(AT_BASE, p->interp_base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, p->prog_entry);
    AUX(AT_UID, 1000);
    AUX(AT_EUID, 1000);
    AUX(AT_GID, 1000);
    AUX(AT_EGID, 1000);
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random_at);
    AUX(AT_HWCAP, getauxval(AT_HWCAP));
    AUX(AT_HWCAP2, getauxval(AT_HWCAP2) & ~(uint64_t)2); /* no FSGSBASE for the sandbox */
    AUX(AT_CLKTCK, 100);
    AUX(AT_PLATFORM, platform_at);
    AUX(AT_EXECFN, execfn_at);
    AUX(AT_NULL, 0);
#undef AUX
    size_t nwords = 1 + nargs + 1 + nenv + 1 + na;
    sp -= nwords * 8;
    sp &= ~(uint64_t)15;
    uint64_t *v = (uint64_t *)(uintptr_t)sp;
    size_t k = 0;
    v[k++] = nargs;
    for (size_t i = 0; i < nargs; i++)
        v[k++] = argp[i];
    v[k++] = 0;
    for (size_t i = 0; i < nenv; i++)
        v[k++] = argp[nargs + i];
    v[k++] = 0;
    memcpy(&v[k], aux, na * 8);
    free(argp);
    struct LFIRegs *r = lfi_ctx_regs(t->ctx);
    r->rsp = sp;
    return true;
}
