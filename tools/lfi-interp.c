/* lfi-interp: makes LFI programs directly executable.
 *
 * lfi-cc names this file as the program interpreter (PT_INTERP) of the
 * programs it links. When the kernel executes such a program it runs
 * lfi-interp instead, which executes `lfi-run` from its own directory:
 *
 *   lfi-run --dir CWD=CWD --wd CWD --env-inherit -- PROGRAM ARGS...
 *
 * so the program runs sandboxed, seeing only the current directory (what
 * build systems need: `CC=lfi-cc ./configure` runs its test programs this
 * way). The program's own segments, which the kernel mapped, are never
 * executed. Run lfi-run directly for any other confinement.
 *
 * Freestanding (no libc): it runs before any dynamic linker. Built with
 * -static -nostdlib -ffreestanding; the entry point needs three lines of
 * assembly to pass the initial stack pointer to C.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#define SYS_write 1
#define SYS_execve 59
#define SYS_exit 60
#define SYS_getcwd 79

static long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static size_t len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void say(const char *s) { sys3(SYS_write, 2, (long)s, (long)len(s)); }

__attribute__((noreturn)) static void die(const char *what)
{
    say("lfi-interp: ");
    say(what);
    say("\n");
    sys3(SYS_exit, 127, 0, 0);
    __builtin_unreachable();
}

static char run_path[4096], cwd[4096], dir_arg[8200];
static const char *new_argv[4096];

__attribute__((noreturn, used)) void lfi_interp_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    char **e = envp;
    while (*e)
        e++;
    const Elf64_auxv_t *auxv = (const Elf64_auxv_t *)(e + 1);
    uint64_t phdr = 0, phnum = 0;
    const char *execfn = NULL;
    for (const Elf64_auxv_t *a = auxv; a->a_type != AT_NULL; a++) {
        if (a->a_type == AT_PHDR) phdr = a->a_un.a_val;
        else if (a->a_type == AT_PHNUM) phnum = a->a_un.a_val;
        else if (a->a_type == AT_EXECFN) execfn = (const char *)a->a_un.a_val;
    }
    if (!phdr || !execfn)
        die("no program headers or program name in the auxiliary vector");

    /* Our own path is the program's PT_INTERP string. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr;
    uint64_t bias = 0;
    const char *interp = NULL;
    for (uint64_t i = 0; i < phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            bias = phdr - ph[i].p_vaddr;
    for (uint64_t i = 0; i < phnum; i++)
        if (ph[i].p_type == PT_INTERP)
            interp = (const char *)(bias + ph[i].p_vaddr);
    if (!interp)
        die("the program names no interpreter");
    size_t n = len(interp), slash = 0;
    for (size_t i = 0; i < n; i++)
        if (interp[i] == '/')
            slash = i + 1;
    static const char run[] = "lfi-run";
    if (slash + sizeof run > sizeof run_path)
        die("interpreter path too long");
    for (size_t i = 0; i < slash; i++)
        run_path[i] = interp[i];
    for (size_t i = 0; i < sizeof run; i++)
        run_path[slash + i] = run[i];

    if (sys3(SYS_getcwd, (long)cwd, sizeof cwd, 0) < 0)
        die("cannot get the current directory");
    size_t c = len(cwd);
    if (2 * c + 2 > sizeof dir_arg)
        die("current directory path too long");
    for (size_t i = 0; i < c; i++)
        dir_arg[i] = dir_arg[c + 1 + i] = cwd[i];
    dir_arg[c] = '=';
    dir_arg[2 * c + 1] = 0;

    if (argc < 0 || argc > (long)(sizeof new_argv / sizeof *new_argv) - 10)
        die("too many arguments");
    size_t k = 0;
    new_argv[k++] = run_path;
    new_argv[k++] = "--dir";
    new_argv[k++] = dir_arg;
    new_argv[k++] = "--wd";
    new_argv[k++] = cwd;
    new_argv[k++] = "--env-inherit";
    new_argv[k++] = "--";
    new_argv[k++] = execfn;
    for (long i = 1; i < argc; i++)
        new_argv[k++] = argv[i];
    new_argv[k] = NULL;
    sys3(SYS_execve, (long)run_path, (long)new_argv, (long)envp);
    say("lfi-interp: cannot execute ");
    die(run_path);
}

__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call lfi_interp_main\n");
