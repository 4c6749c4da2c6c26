/* Our WASI snapshot_preview1 layer for wasm2c modules: shared declarations.
 *
 * The wasm2c-generated module calls Z_wasi_snapshot_preview1Z_<name>(ctx, ...)
 * for every import; ctx is the struct below (wasm2c only forward-declares it).
 * Values and layouts follow the preview1 witx (wasi-libc's wasi/api.h). */
#ifndef LFI_W2C_WASI_H
#define LFI_W2C_WASI_H

#include <stddef.h>
#include <stdint.h>

#include "wasm-rt.h"

/* errno values (preview1) */
enum {
  WE_SUCCESS = 0, WE_2BIG = 1, WE_ACCES = 2, WE_ADDRINUSE = 3, WE_ADDRNOTAVAIL = 4,
  WE_AFNOSUPPORT = 5, WE_AGAIN = 6, WE_ALREADY = 7, WE_BADF = 8, WE_BADMSG = 9,
  WE_BUSY = 10, WE_CANCELED = 11, WE_CHILD = 12, WE_CONNABORTED = 13,
  WE_CONNREFUSED = 14, WE_CONNRESET = 15, WE_DEADLK = 16, WE_DESTADDRREQ = 17,
  WE_DOM = 18, WE_DQUOT = 19, WE_EXIST = 20, WE_FAULT = 21, WE_FBIG = 22,
  WE_HOSTUNREACH = 23, WE_IDRM = 24, WE_ILSEQ = 25, WE_INPROGRESS = 26,
  WE_INTR = 27, WE_INVAL = 28, WE_IO = 29, WE_ISCONN = 30, WE_ISDIR = 31,
  WE_LOOP = 32, WE_MFILE = 33, WE_MLINK = 34, WE_MSGSIZE = 35, WE_MULTIHOP = 36,
  WE_NAMETOOLONG = 37, WE_NETDOWN = 38, WE_NETRESET = 39, WE_NETUNREACH = 40,
  WE_NFILE = 41, WE_NOBUFS = 42, WE_NODEV = 43, WE_NOENT = 44, WE_NOEXEC = 45,
  WE_NOLCK = 46, WE_NOLINK = 47, WE_NOMEM = 48, WE_NOMSG = 49,
  WE_NOPROTOOPT = 50, WE_NOSPC = 51, WE_NOSYS = 52, WE_NOTCONN = 53,
  WE_NOTDIR = 54, WE_NOTEMPTY = 55, WE_NOTRECOVERABLE = 56, WE_NOTSOCK = 57,
  WE_NOTSUP = 58, WE_NOTTY = 59, WE_NXIO = 60, WE_OVERFLOW = 61,
  WE_OWNERDEAD = 62, WE_PERM = 63, WE_PIPE = 64, WE_PROTO = 65,
  WE_PROTONOSUPPORT = 66, WE_PROTOTYPE = 67, WE_RANGE = 68, WE_ROFS = 69,
  WE_SPIPE = 70, WE_SRCH = 71, WE_STALE = 72, WE_TIMEDOUT = 73, WE_TXTBSY = 74,
  WE_XDEV = 75, WE_NOTCAPABLE = 76
};

/* filetype */
enum {
  WFT_UNKNOWN = 0, WFT_BLOCK_DEVICE = 1, WFT_CHARACTER_DEVICE = 2,
  WFT_DIRECTORY = 3, WFT_REGULAR_FILE = 4, WFT_SOCKET_DGRAM = 5,
  WFT_SOCKET_STREAM = 6, WFT_SYMBOLIC_LINK = 7
};

/* fdflags, oflags, lookupflags, fstflags */
enum { WFDF_APPEND = 1, WFDF_DSYNC = 2, WFDF_NONBLOCK = 4, WFDF_RSYNC = 8, WFDF_SYNC = 16 };
enum { WO_CREAT = 1, WO_DIRECTORY = 2, WO_EXCL = 4, WO_TRUNC = 8 };
enum { WL_SYMLINK_FOLLOW = 1 };
enum { WFST_ATIM = 1, WFST_ATIM_NOW = 2, WFST_MTIM = 4, WFST_MTIM_NOW = 8 };

/* rights bits used by the glue */
#define WR_FD_DATASYNC (1ull << 0)
#define WR_FD_READ (1ull << 1)
#define WR_FD_SEEK (1ull << 2)
#define WR_FD_TELL (1ull << 5)
#define WR_FD_WRITE (1ull << 6)
#define WR_FD_ALLOCATE (1ull << 8)
#define WR_FD_READDIR (1ull << 14)
#define WR_FD_FILESTAT_SET_SIZE (1ull << 22)
#define WR_ALL ((1ull << 30) - 1)

/* One guest file descriptor. */
struct wasi_fd {
  int used;
  int host;            /* host file descriptor */
  uint8_t type;        /* WFT_* at open time */
  char *preopen_name;  /* guest path if this is a preopened directory */
  void *dir;           /* DIR* for fd_readdir, created lazily */
  uint64_t dir_pos;    /* number of entries already read from dir */
};

struct Z_wasi_snapshot_preview1_instance_t {
  wasm_rt_memory_t *mem; /* the module's exported linear memory */
  int argc;
  char **argv;
  int envc;
  char **envp;
  struct wasi_fd *fds;
  uint32_t nfds;
};
typedef struct Z_wasi_snapshot_preview1_instance_t wasi_ctx;

/* ---- guest memory access (every pointer/length is checked) ---- */
static inline int wmem_ok(const wasi_ctx *c, uint32_t ptr, uint64_t len) {
  return c->mem && (uint64_t)ptr + len <= (uint64_t)c->mem->size;
}
static inline uint8_t *wmem(const wasi_ctx *c, uint32_t ptr) { return c->mem->data + ptr; }
void wmem_put32(wasi_ctx *c, uint32_t ptr, uint32_t v); /* caller checked */
void wmem_put64(wasi_ctx *c, uint32_t ptr, uint64_t v);
void wmem_put16(wasi_ctx *c, uint32_t ptr, uint16_t v);
uint32_t wmem_get32(const wasi_ctx *c, uint32_t ptr);
uint64_t wmem_get64(const wasi_ctx *c, uint32_t ptr);
uint16_t wmem_get16(const wasi_ctx *c, uint32_t ptr);

/* host errno -> wasi errno (wasi-errno.c) */
uint32_t wasi_errno(int host_errno);

/* fd table (wasi-fdtab.c) */
int wasi_fdtab_init(wasi_ctx *c);
/* Adds host fd; returns the guest fd or -1 (host fd is not closed). */
int64_t wasi_fd_add(wasi_ctx *c, int host, uint8_t type, const char *preopen_name);
struct wasi_fd *wasi_fd_get(wasi_ctx *c, uint32_t fd); /* NULL if not open */
void wasi_fd_release(struct wasi_fd *f);                /* close host side, free entry */
uint8_t wasi_filetype_of_mode(unsigned mode);

/* helpers shared by wasi-fd.c and wasi-path.c */
struct stat;
struct timespec;
void wasi_put_filestat(wasi_ctx *c, uint32_t ptr, const struct stat *st); /* ptr checked */
/* openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), O_CLOEXEC added (wasi-path.c) */
int wasi_open_beneath(int dirfd, const char *path, int flags, int mode);
uint32_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fstflags, struct timespec *ts);

/* ---- the imports (see build.sh: names must match wasm2c's mangling) ---- */
#define WASI_FN(name) Z_wasi_snapshot_preview1Z_##name
uint32_t WASI_FN(args_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(args_sizes_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(clock_res_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(clock_time_get)(wasi_ctx *, uint32_t, uint64_t, uint32_t);
uint32_t WASI_FN(environ_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(environ_sizes_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(fd_advise)(wasi_ctx *, uint32_t, uint64_t, uint64_t, uint32_t);
uint32_t WASI_FN(fd_allocate)(wasi_ctx *, uint32_t, uint64_t, uint64_t);
uint32_t WASI_FN(fd_close)(wasi_ctx *, uint32_t);
uint32_t WASI_FN(fd_datasync)(wasi_ctx *, uint32_t);
uint32_t WASI_FN(fd_fdstat_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(fd_fdstat_set_flags)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(fd_fdstat_set_rights)(wasi_ctx *, uint32_t, uint64_t, uint64_t);
uint32_t WASI_FN(fd_filestat_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(fd_filestat_set_size)(wasi_ctx *, uint32_t, uint64_t);
uint32_t WASI_FN(fd_filestat_set_times)(wasi_ctx *, uint32_t, uint64_t, uint64_t, uint32_t);
uint32_t WASI_FN(fd_pread)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint64_t, uint32_t);
uint32_t WASI_FN(fd_prestat_dir_name)(wasi_ctx *, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(fd_prestat_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(fd_pwrite)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint64_t, uint32_t);
uint32_t WASI_FN(fd_read)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(fd_readdir)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint64_t, uint32_t);
uint32_t WASI_FN(fd_renumber)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(fd_seek)(wasi_ctx *, uint32_t, uint64_t, uint32_t, uint32_t);
uint32_t WASI_FN(fd_sync)(wasi_ctx *, uint32_t);
uint32_t WASI_FN(fd_tell)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(fd_write)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(path_create_directory)(wasi_ctx *, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(path_filestat_get)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(path_filestat_set_times)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t,
                                          uint64_t, uint64_t, uint32_t);
uint32_t WASI_FN(path_link)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                            uint32_t, uint32_t);
uint32_t WASI_FN(path_open)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                            uint64_t, uint64_t, uint32_t, uint32_t);
uint32_t WASI_FN(path_readlink)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                                uint32_t);
uint32_t WASI_FN(path_remove_directory)(wasi_ctx *, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(path_rename)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                              uint32_t);
uint32_t WASI_FN(path_symlink)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(path_unlink_file)(wasi_ctx *, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(poll_oneoff)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t);
void WASI_FN(proc_exit)(wasi_ctx *, uint32_t);
uint32_t WASI_FN(random_get)(wasi_ctx *, uint32_t, uint32_t);
uint32_t WASI_FN(sched_yield)(wasi_ctx *);
uint32_t WASI_FN(sock_accept)(wasi_ctx *, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(sock_recv)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
                            uint32_t);
uint32_t WASI_FN(sock_send)(wasi_ctx *, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
uint32_t WASI_FN(sock_shutdown)(wasi_ctx *, uint32_t, uint32_t);

#endif
