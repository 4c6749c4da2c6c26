/* liblfi-linux internals: object layouts and functions shared by linux/
 * files. Nothing here is exported from the library. */
#ifndef LFI_LINUX_INTERNAL_H
#define LFI_LINUX_INTERNAL_H

#include <lfi_core.h>
#include <lfi_linux.h>

#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "elf_parse.h"

#pragma GCC visibility push(hidden)

#define LX_NOFILE 1024          /* sandbox fd table size (RLIMIT_NOFILE) */
#define LX_PID 1000             /* the sandbox's pid (and the main thread's tid) */
#define LX_NSIG 65
#define LX_SIGDEPTH 8           /* nested signal handlers remembered */
#define LX_SLICE_NS 50000000ull /* blocking waits wake this often to see exits */
#define LX_PAUSE_SYSCALL 1024   /* library mode: end lfi_thread_run, keep the process */

/* ---- errors and logging (error.c) ---- */
void lx_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "what: <lfi_errmsg()>" */
void lx_err_core(const char *what);
extern int lx_verbose;
void lx_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LX_LOG(...) do { if (lx_verbose) lx_log(__VA_ARGS__); } while (0)

/* ---- engine (engine.c) ---- */
struct lx_map {
    char *sbox;     /* normalised sandbox path ("/" or "/a/b") */
    size_t sblen;
    char *host;     /* as given */
    int rootfd;     /* O_PATH | O_DIRECTORY on the host directory */
    bool ro;
};

struct LFILinuxEngine {
    struct LFIEngine *engine;
    struct LFILinuxOptions opts;
    struct lx_map *maps;
    size_t nmaps;
    char wd[PATH_MAX];
    bool trace;
};

/* ---- open files (fd.c) ---- */
enum { LX_F_FILE, LX_F_DIR, LX_F_PIPE, LX_F_STD };

struct lx_file {            /* an open file description */
    _Atomic int refs;
    int hostfd;
    int kind;
    _Atomic int flags;      /* sandbox-visible status flags (O_ACCMODE, O_APPEND,
                             * O_NONBLOCK, O_PATH, O_DIRECTORY) */
    bool emul_block;        /* host fd is O_NONBLOCK; block by polling unless
                             * the sandbox asked for O_NONBLOCK */
    bool pollfirst;         /* may block (pipe, socket, tty): wait in slices */
    bool ro;                /* from a read-only mapping */
    char *path;             /* sandbox path (NULL for pipes and stdio) */
};

struct lx_fdtab {
    pthread_mutex_t lock;
    struct lx_file *f[LX_NOFILE];
    unsigned char cloexec[LX_NOFILE];
};

struct lx_file *lx_file_new(int hostfd, int kind, int flags, const char *path);
void lx_file_put(struct lx_file *f);
/* Installs f (taking the caller's reference) at the lowest free fd >= min. */
int lx_fd_install(struct LFILinuxProc *p, struct lx_file *f, int min, bool cloexec);
/* A new reference to the file of fd, or NULL. */
struct lx_file *lx_fd_get(struct LFILinuxProc *p, int fd);
int lx_fd_close(struct LFILinuxProc *p, int fd);
int lx_fd_dup3(struct LFILinuxProc *p, int oldfd, int newfd, bool cloexec);
int lx_fd_getcloexec(struct LFILinuxProc *p, int fd);
int lx_fd_setcloexec(struct LFILinuxProc *p, int fd, bool on);
void lx_fd_init(struct LFILinuxProc *p, bool stdio);
void lx_fd_closeall(struct LFILinuxProc *p);

/* ---- threads and processes ---- */
struct LFILinuxThread {
    struct LFILinuxProc *proc;
    struct LFIContext *ctx;
    int tid;
    lfiptr clear_tid;           /* CLONE_CHILD_CLEARTID / set_tid_address */
    bool is_main;
    bool lib;                   /* made by the clone callback (library mode) */
    bool resume;                /* next system call: load resume_regs */
    bool paused;
    struct LFIRegs resume_regs;
    lfiptr stack;               /* the stack we mapped (main, library mode) */
    size_t stacklen;
    uint64_t sigmask;
    _Atomic uint64_t pending;   /* caught signals waiting for delivery */
    unsigned nsigctx;           /* contexts saved by signal deliveries */
    bool suspended;             /* in sigsuspend/pause: deliver with ... */
    uint64_t suspend_restore;   /* ... this mask to give back */
    struct LFIRegs sigctx[LX_SIGDEPTH];
    uint64_t sigctx_mask[LX_SIGDEPTH];
    struct LFILinuxThread *next, *prev;
};

struct lx_sym {
    uint64_t value;
    uint32_t name;  /* offset into symnames */
};

struct lx_sigaction {
    uint64_t handler, flags, restorer, mask;
};

struct LFILinuxProc {
    struct LFILinuxEngine *lx;
    struct LFIBox *box;
    struct LFIBoxInfo info;
    size_t pagesize;
    pthread_mutex_t lock;       /* threads, exit state, brk, signals */
    pthread_cond_t cond;
    /* image */
    bool loaded;
    lfiptr base, entry, phdr, lastva;
    lfiptr prog_entry;          /* the program's entry (AT_ENTRY) */
    uint8_t *phdr_copy;         /* the program headers, if no segment holds them */
    lfiptr interp_base;         /* AT_BASE: the interpreter's bias, 0 if none */
    size_t phnum;
    char *path;
    struct lx_sym *syms;
    size_t nsyms;
    /* single_thread_auto: the returns switched to pushq+retq at load (their
     * `41 53 c3`, absolute) and the image's executable runs, for switching
     * them back when the program starts a thread (lx_multi_thread). */
    uint64_t *switched;
    size_t nswitched;
    struct lx_xrun { uint64_t start, len; int prot; } xrun[8];
    unsigned nxrun;
    char *symnames;
    /* heap */
    lfiptr brk_base, brk_cur, brk_top, brk_end; /* brk_top: end of RW pages */
    /* memory accounting */
    _Atomic size_t mem_used;
    size_t mem_limit;
    /* files */
    struct lx_fdtab fds;
    pthread_mutex_t cwdlock;
    char cwd[PATH_MAX];
    _Atomic unsigned umask;
    /* threads */
    struct LFILinuxThread *threads; /* live ones (running or about to) */
    size_t nthreads;            /* live threads made by clone */
    size_t max_threads;
    int next_tid;
    lfiptr clone_tramp;         /* bundle-aligned resume code, 0 until needed */
    struct LFILinuxThread *main;
    struct LFIContext *clone_from; /* library mode */
    /* exit */
    _Atomic int exiting;
    struct LFILinuxExit exit;
    /* signals */
    struct lx_sigaction act[LX_NSIG];
    char name[16];
};

/* proc.c */
/* First caller wins: records how the process ends and stops every thread
 * except self (may be NULL). */
void lx_proc_end(struct LFILinuxProc *p, const struct LFILinuxExit *how,
                 struct LFILinuxThread *self);
void lx_proc_end_code(struct LFILinuxProc *p, int kind, int status,
                      struct LFILinuxThread *self);
/* Ends the calling sandbox thread's run (the process is exiting). */
void lx_thread_leave(struct LFILinuxThread *t) __attribute__((noreturn));

/* memory accounting (sys/mem.c) */
bool lx_mem_charge(struct LFILinuxProc *p, size_t bytes);
void lx_mem_uncharge(struct LFILinuxProc *p, size_t bytes);
/* Bytes of mapped pages in [addr, addr+len). */
size_t lx_mem_mapped(struct LFILinuxProc *p, lfiptr addr, size_t len);

/* thread.c */
struct LFILinuxThread *lx_thread_alloc(struct LFILinuxProc *p);
void lx_thread_link(struct LFILinuxThread *t);
void lx_thread_unlink(struct LFILinuxThread *t);
lfiptr lx_clone_tramp(struct LFILinuxProc *p);
#define LX_SIGRETURN_OFF 32     /* in the trampoline page: rt_sigreturn */
/* Starts a host thread that runs t from its resume registers. */
int lx_thread_spawn(struct LFILinuxThread *t);

/* elf_load.c, stack.c */
bool lx_load(struct LFILinuxProc *p, const uint8_t *buf, size_t size, const char *path);
bool lx_stack_init(struct LFILinuxThread *t, int argc, const char **argv, const char **envp);

/* ---- sandbox memory access (uaccess.c) ---- */
bool lx_bufok(struct LFILinuxProc *p, uint64_t addr, uint64_t n);
int lx_copyin(struct LFILinuxProc *p, void *dst, uint64_t src, size_t n);
int lx_copyout(struct LFILinuxProc *p, uint64_t dst, const void *src, size_t n);
/* Copies a NUL-terminated path (< PATH_MAX) into out: 0, -EFAULT,
 * -ENAMETOOLONG, or -ENOENT for "" unless allow_empty. */
int lx_getpath(struct LFILinuxProc *p, uint64_t addr, char *out, bool allow_empty);

/* ---- paths (path.c) ---- */
/* Lexical normalisation of path (joined to base if relative). */
int lx_path_norm(const char *base, const char *path, char *out);
struct lx_res {
    struct lx_map *map;
    char spath[PATH_MAX]; /* normalised sandbox path */
    char rel[PATH_MAX];   /* path inside the mapping ("." for its root) */
};
/* Resolves (dirfd, path) lexically to a mapping: 0, -ENOENT (no mapping),
 * -EBADF/-ENOTDIR (dirfd), -ENAMETOOLONG. */
int lx_resolve(struct LFILinuxProc *p, int dirfd, const char *path, struct lx_res *r);
/* openat2 beneath the mapping's root: host fd or -errno. */
int lx_open_beneath(const struct lx_res *r, int flags, unsigned mode);
/* Opens the directory that contains the last component; *base points to it
 * in r->rel. -EBUSY for the root of a mapping. */
int lx_open_parent(const struct lx_res *r, const char **base);
int lx_map_dirs(struct LFILinuxEngine *lx, const char **maps);
/* A name to act on (mkdir, unlink, rename, ...): its parent directory,
 * opened beneath its mapping, and the last component in r.rel. */
struct lx_named {
    struct lx_res r;
    int parent;
    const char *base;
};

/* ---- per-thread scratch buffers (scratch.c) ---- */
#define LX_MAX_IOV 1024         /* readv/writev: at most this many entries */
/* The large buffers of system calls, too big for the stack of a host
 * thread that may be small (library mode). One block per host thread,
 * allocated at its first need and freed when the thread ends: thread-local
 * arrays would be zeroed at the start of every host thread. System calls do
 * not nest, so each field has one user at a time. */
struct lx_scratch {
    struct lx_res res;              /* one-path calls (open, stat, chdir, ...) */
    struct lx_named named[2];       /* calls on names; rename and link use both */
    struct iovec iov[LX_MAX_IOV];   /* readv/writev and the p- variants */
    struct pollfd pfd[LX_NOFILE];   /* poll/select: the sandbox's entries */
    struct pollfd host[LX_NOFILE];  /* poll: the host's entries */
    struct lx_file *files[LX_NOFILE];
};
/* This thread's block, or NULL when memory is exhausted (-ENOMEM). */
struct lx_scratch *lx_scratch(void);

/* ---- system calls (syscall.c, sys/) ---- */
typedef long (*lx_sysfn)(struct LFILinuxThread *t, const uint64_t *a);
void lx_syscall(struct LFIContext *ctx);
long lx_host_errno(void); /* -errno */
/* Blocks until fd is ready for events (or the process exits): 0, -EINTR. */
int lx_wait_fd(struct LFILinuxThread *t, int hostfd, short events);
bool lx_exiting(struct LFILinuxProc *p);
/* A single-threaded box whose returns the loader switched: switches them
 * back and makes the box multi-threaded (lfi_box_multi_thread). 0, or -1
 * if the box stays single-threaded. */
int lx_multi_thread(struct LFILinuxProc *p);
/* A signal to the process itself: 0 if its action is to ignore it or it
 * has a handler (then it is delivered at the end of the system call), else
 * the process ends (128+sig) and the call does not return. */
long lx_signal_self(struct LFILinuxThread *t, uint64_t sig);
/* At the end of a system call: runs the handler of a pending, unblocked
 * signal (the registers become the handler's call). */
void lx_signal_deliver(struct LFILinuxThread *t, struct LFIRegs *r);
/* rt_sigreturn: the registers saved by the last delivery. */
void lx_sigreturn(struct LFILinuxThread *t, struct LFIRegs *r);

#define LX_SYS(name) long lx_sys_##name(struct LFILinuxThread *t, const uint64_t *a)
#include "sys/sys.h"

#pragma GCC visibility pop

#endif
