/* lfi_linux.h: liblfi-linux, Linux emulation on top of liblfi-core.
 *
 * Loads static-PIE x86-64 ELF programs into a box and emulates the Linux
 * system calls they make, confined to what the embedder grants: the
 * directories of dir_maps, a file-descriptor table of the sandbox's own, a
 * memory limit and a thread limit. docs/linux.md describes the design.
 *
 *   struct LFIEngine *engine = lfi_new((struct LFIOptions){ 0 }, 1);
 *   const char *maps[] = { "/data=/srv/data:ro", NULL };
 *   struct LFILinuxEngine *lx = lfi_linux_new(engine, (struct LFILinuxOptions){
 *       .stacksize = 2 << 20, .dir_maps = maps, .wd = "/data" });
 *   struct LFILinuxProc *proc = lfi_proc_new(lx);
 *   lfi_proc_load(proc, image, size, "prog");
 *   struct LFILinuxThread *t = lfi_thread_new(proc, argc, argv, envp);
 *   int status = lfi_thread_run(t);        // exit status, 128+sig if killed
 *
 * Errors: functions that fail return NULL or false and set a thread-local
 * message, lfi_linux_errmsg() ("what: why"; it includes the core's
 * lfi_errmsg() when a core call failed).
 */
#ifndef LFI_LINUX_H
#define LFI_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lfi_core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct LFILinuxEngine; /* options, directory maps; one per LFIEngine */
struct LFILinuxProc;   /* one sandboxed process: a box, fds, threads */
struct LFILinuxThread; /* one sandbox thread: a context */

struct LFILinuxOptions {
    size_t stacksize;      /* main thread stack (0: 2 MiB) */
    /* NULL-terminated "SANDBOX=HOST" or "SANDBOX=HOST:ro" entries; NULL: no
     * file access at all. Paths are resolved inside the mapping (.. and
     * symlinks cannot leave it). */
    const char **dir_maps;
    const char *wd;        /* initial sandbox cwd (absolute); NULL: "/" */
    bool verbose;          /* log to stderr ([lfi-linux]); also LFI_VERBOSE=1 */
    bool perf;             /* write /tmp/perf-PID.map with the program's symbols */
    bool debug;            /* log gdb/lldb commands to load the program's symbols */
    bool sys_passthrough;  /* not supported: lfi_linux_new fails if set */
    bool exit_unknown_syscalls; /* unknown system call: end the program (status
                                 * 128+SIGSYS) with a message, not -ENOSYS */
    /* Additions (0 = default). */
    size_t max_memory;     /* bytes of sandbox memory (segments, stacks, mmap,
                            * brk); beyond it mmap/brk fail with ENOMEM.
                            * 0: no limit beyond the box (about 3.5 GiB) */
    size_t max_threads;    /* live sandbox threads (0: 256) */
    size_t brk_size;       /* largest heap through brk (0: 512 MiB) */
    bool trace;            /* log every system call; also LFI_STRACE=1 */
    bool no_stdio;         /* do not give the sandbox fds 0, 1, 2 */
    /* A static program whose returns lfi-cc listed (section .lfi.rets)
     * runs in a single-threaded box, its listed returns switched to `pushq
     * %r11 ; retq` (predicted by the CPU's return stack) and verified as
     * such: the effect of lfi-cc --single-thread without rebuilding. At its
     * first thread clone the returns are switched back and the box made
     * multi-threaded (lfi_box_multi_thread); a clone fails with EAGAIN if
     * that is refused. The box holds one context until then: do not set it
     * for a program that several host threads call into (library mode).
     * lfi-run sets it unless --multi-thread. */
    bool single_thread_auto;
};

/* The message of this thread's last liblfi-linux failure ("" if none). */
const char *lfi_linux_errmsg(void);

struct LFILinuxEngine *lfi_linux_new(struct LFIEngine *engine, struct LFILinuxOptions opts);
void lfi_linux_free(struct LFILinuxEngine *lx);

/* ---- processes ---- */

struct LFILinuxProc *lfi_proc_new(struct LFILinuxEngine *lx);
/* Ends every thread of the process (if any still runs) and frees it. */
void lfi_proc_free(struct LFILinuxProc *proc);
struct LFIBox *lfi_proc_box(struct LFILinuxProc *proc);
/* Loads an ELF image (static PIE) from memory; path is informative (logs,
 * AT_EXECFN default). Every field is checked: a malformed image is an error
 * (lfi_errmsg says which field), never a crash. Executable segments are
 * verified. */
bool lfi_proc_load(struct LFILinuxProc *proc, const uint8_t *buf, size_t size, const char *path);
/* Reads the file and loads it. */
bool lfi_proc_load_file(struct LFILinuxProc *proc, const char *path);
/* Address of a symbol of the loaded program (.symtab or .dynsym), 0 if none. */
uint64_t lfi_proc_sym(struct LFILinuxProc *proc, const char *name);
lfiptr lfi_proc_entry(struct LFILinuxProc *proc);

/* How the process ended (or is ending). */
enum {
    LFI_LINUX_RUNNING = 0,
    LFI_LINUX_EXITED = 1,   /* exit/exit_group: code */
    LFI_LINUX_SIGNALED = 2, /* kill/tgkill/abort with a fatal signal: signo */
    LFI_LINUX_FAULT = 3,    /* a fault in sandbox code: signo, fault */
    LFI_LINUX_KILLED = 4,   /* lfi_proc_kill (e.g. a time limit) */
    LFI_LINUX_ERROR = 5,    /* the runtime had to stop it: message */
};
struct LFILinuxExit {
    int kind;               /* LFI_LINUX_* */
    int status;             /* what lfi_thread_run returns: code or 128+signo */
    int code;               /* exit code (EXITED) */
    int signo;              /* SIGNALED, FAULT */
    struct LFIFault fault;  /* FAULT: signal, si_code, address, pc */
    char message[256];      /* ERROR, unknown syscall, ... */
};
/* True once the process has ended or is ending; *info (if not NULL) says how. */
bool lfi_proc_exited(struct LFILinuxProc *proc, struct LFILinuxExit *info);
/* Stops every thread of the process promptly (from any host thread); the
 * process ends with kind LFI_LINUX_KILLED and status. */
void lfi_proc_kill(struct LFILinuxProc *proc, int status);

/* ---- threads ---- */

/* The main thread: a stack with argv, envp and the auxiliary vector.
 * argv[0..argc-1] (NULL entries end it early) and envp (NULL-terminated,
 * may be NULL) are copied into the box. */
struct LFILinuxThread *lfi_thread_new(struct LFILinuxProc *proc, int argc, const char **argv,
                                      const char **envp);
/* Runs the program until it exits; returns its exit status (0..255), or
 * 128+signo if a fault or a fatal signal ended it (lfi_proc_exited tells
 * more). Other threads it made are stopped before it returns. Returns 0 if
 * the program paused (system call 1024, library mode). */
int lfi_thread_run(struct LFILinuxThread *t);
void lfi_thread_free(struct LFILinuxThread *t);
struct LFIContext **lfi_thread_ctxp(struct LFILinuxThread *t);
/* Library mode: LFI_INVOKE on host threads without a context gets one (a
 * new stack, the thread pointer of t). */
void lfi_linux_init_clone(struct LFILinuxThread *t);

#ifdef __cplusplus
}
#endif

#endif
