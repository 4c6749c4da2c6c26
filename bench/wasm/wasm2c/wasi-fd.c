/* WASI fd_* imports: I/O, seeking, metadata, preopen queries, readdir. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi.h"

#define GET_FD(f, fd)                   \
  struct wasi_fd *f = wasi_fd_get(c, fd); \
  if (!f)                               \
    return WE_BADF

/* Guest iovec array -> host iovecs (at most IOV_MAX; a short transfer is allowed). */
static uint32_t get_iovs(wasi_ctx *c, uint32_t iovs, uint32_t n, struct iovec *out, int *cnt) {
  if (!wmem_ok(c, iovs, (uint64_t)n * 8))
    return WE_FAULT;
  if (n > IOV_MAX)
    n = IOV_MAX;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = wmem_get32(c, iovs + 8 * i), len = wmem_get32(c, iovs + 8 * i + 4);
    if (!wmem_ok(c, buf, len))
      return WE_FAULT;
    out[i].iov_base = wmem(c, buf);
    out[i].iov_len = len;
  }
  *cnt = (int)n;
  return WE_SUCCESS;
}

static uint32_t do_io(wasi_ctx *c, uint32_t fd, uint32_t iovs, uint32_t n, int write, int pos,
                      uint64_t off, uint32_t res_p) {
  GET_FD(f, fd);
  struct iovec v[IOV_MAX];
  int cnt;
  uint32_t e = get_iovs(c, iovs, n, v, &cnt);
  if (e)
    return e;
  if (!wmem_ok(c, res_p, 4))
    return WE_FAULT;
  if (pos && off > INT64_MAX)
    return WE_INVAL;
  ssize_t r;
  do {
    if (pos)
      r = write ? pwritev(f->host, v, cnt, (off_t)off) : preadv(f->host, v, cnt, (off_t)off);
    else
      r = write ? writev(f->host, v, cnt) : readv(f->host, v, cnt);
  } while (r < 0 && errno == EINTR);
  if (r < 0)
    return wasi_errno(errno);
  wmem_put32(c, res_p, (uint32_t)r);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_read)(wasi_ctx *c, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t res_p) {
  return do_io(c, fd, iovs, n, 0, 0, 0, res_p);
}
uint32_t WASI_FN(fd_write)(wasi_ctx *c, uint32_t fd, uint32_t iovs, uint32_t n, uint32_t res_p) {
  return do_io(c, fd, iovs, n, 1, 0, 0, res_p);
}
uint32_t WASI_FN(fd_pread)(wasi_ctx *c, uint32_t fd, uint32_t iovs, uint32_t n, uint64_t off,
                           uint32_t res_p) {
  return do_io(c, fd, iovs, n, 0, 1, off, res_p);
}
uint32_t WASI_FN(fd_pwrite)(wasi_ctx *c, uint32_t fd, uint32_t iovs, uint32_t n, uint64_t off,
                            uint32_t res_p) {
  return do_io(c, fd, iovs, n, 1, 1, off, res_p);
}

uint32_t WASI_FN(fd_seek)(wasi_ctx *c, uint32_t fd, uint64_t off, uint32_t whence,
                          uint32_t res_p) {
  GET_FD(f, fd);
  static const int wh[3] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2)
    return WE_INVAL;
  if (!wmem_ok(c, res_p, 8))
    return WE_FAULT;
  if (f->type == WFT_DIRECTORY)
    return WE_BADF;
  off_t r = lseek(f->host, (off_t)(int64_t)off, wh[whence]);
  if (r < 0)
    return wasi_errno(errno);
  wmem_put64(c, res_p, (uint64_t)r);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_tell)(wasi_ctx *c, uint32_t fd, uint32_t res_p) {
  return WASI_FN(fd_seek)(c, fd, 0, 1, res_p);
}

uint32_t WASI_FN(fd_close)(wasi_ctx *c, uint32_t fd) {
  GET_FD(f, fd);
  wasi_fd_release(f);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_renumber)(wasi_ctx *c, uint32_t from, uint32_t to) {
  GET_FD(f, from);
  GET_FD(t, to);
  if (f == t)
    return WE_SUCCESS;
  wasi_fd_release(t);
  *t = *f;
  memset(f, 0, sizeof *f);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_fdstat_get)(wasi_ctx *c, uint32_t fd, uint32_t st_p) {
  GET_FD(f, fd);
  if (!wmem_ok(c, st_p, 24))
    return WE_FAULT;
  struct stat st;
  if (fstat(f->host, &st) != 0)
    return wasi_errno(errno);
  int fl = fcntl(f->host, F_GETFL);
  if (fl < 0)
    return wasi_errno(errno);
  uint16_t flags = 0;
  if (fl & O_APPEND)
    flags |= WFDF_APPEND;
  if (fl & O_NONBLOCK)
    flags |= WFDF_NONBLOCK;
  if ((fl & O_SYNC) == O_SYNC)
    flags |= WFDF_SYNC;
  else if (fl & O_DSYNC)
    flags |= WFDF_DSYNC;
  uint8_t type = wasi_filetype_of_mode(st.st_mode);
  uint64_t rights = WR_ALL;
  /* wasi-libc's isatty(): character device without seek/tell rights */
  if (type == WFT_CHARACTER_DEVICE && isatty(f->host))
    rights &= ~(WR_FD_SEEK | WR_FD_TELL);
  memset(wmem(c, st_p), 0, 24);
  wmem(c, st_p)[0] = type;
  wmem_put16(c, st_p + 2, flags);
  wmem_put64(c, st_p + 8, rights);
  wmem_put64(c, st_p + 16, WR_ALL);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_fdstat_set_flags)(wasi_ctx *c, uint32_t fd, uint32_t flags) {
  GET_FD(f, fd);
  if (flags & ~(uint32_t)(WFDF_APPEND | WFDF_NONBLOCK))
    return WE_NOTSUP; /* sync flags cannot be changed after open on Linux */
  int fl = fcntl(f->host, F_GETFL);
  if (fl < 0)
    return wasi_errno(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & WFDF_APPEND)
    fl |= O_APPEND;
  if (flags & WFDF_NONBLOCK)
    fl |= O_NONBLOCK;
  if (fcntl(f->host, F_SETFL, fl) != 0)
    return wasi_errno(errno);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_fdstat_set_rights)(wasi_ctx *c, uint32_t fd, uint64_t base, uint64_t inh) {
  (void)base, (void)inh;
  GET_FD(f, fd);
  (void)f;
  return WE_SUCCESS; /* rights are not enforced (preview1 rights are advisory here) */
}

void wasi_put_filestat(wasi_ctx *c, uint32_t p, const struct stat *st) {
  memset(wmem(c, p), 0, 64);
  wmem_put64(c, p, (uint64_t)st->st_dev);
  wmem_put64(c, p + 8, (uint64_t)st->st_ino);
  wmem(c, p)[16] = wasi_filetype_of_mode(st->st_mode);
  wmem_put64(c, p + 24, (uint64_t)st->st_nlink);
  wmem_put64(c, p + 32, (uint64_t)st->st_size);
  wmem_put64(c, p + 40, (uint64_t)st->st_atim.tv_sec * 1000000000u + (uint64_t)st->st_atim.tv_nsec);
  wmem_put64(c, p + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec);
  wmem_put64(c, p + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec);
}

uint32_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec *ts) {
  if (((fst & WFST_ATIM) && (fst & WFST_ATIM_NOW)) || ((fst & WFST_MTIM) && (fst & WFST_MTIM_NOW)) ||
      (fst & ~15u))
    return WE_INVAL;
  uint64_t t[2] = {atim, mtim};
  uint32_t set[2] = {WFST_ATIM, WFST_MTIM}, now[2] = {WFST_ATIM_NOW, WFST_MTIM_NOW};
  for (int i = 0; i < 2; i++) {
    if (fst & set[i]) {
      ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
      ts[i].tv_nsec = (long)(t[i] % 1000000000u);
    } else {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = (fst & now[i]) ? UTIME_NOW : UTIME_OMIT;
    }
  }
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_filestat_get)(wasi_ctx *c, uint32_t fd, uint32_t p) {
  GET_FD(f, fd);
  if (!wmem_ok(c, p, 64))
    return WE_FAULT;
  struct stat st;
  if (fstat(f->host, &st) != 0)
    return wasi_errno(errno);
  wasi_put_filestat(c, p, &st);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_filestat_set_size)(wasi_ctx *c, uint32_t fd, uint64_t size) {
  GET_FD(f, fd);
  if (size > INT64_MAX)
    return WE_INVAL;
  if (ftruncate(f->host, (off_t)size) != 0)
    return wasi_errno(errno);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_filestat_set_times)(wasi_ctx *c, uint32_t fd, uint64_t atim, uint64_t mtim,
                                        uint32_t fst) {
  GET_FD(f, fd);
  struct timespec ts[2];
  uint32_t e = wasi_times(atim, mtim, fst, ts);
  if (e)
    return e;
  if (futimens(f->host, ts) != 0)
    return wasi_errno(errno);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_prestat_get)(wasi_ctx *c, uint32_t fd, uint32_t p) {
  GET_FD(f, fd);
  if (!f->preopen_name)
    return WE_BADF; /* wasi-libc scans fds from 3 until EBADF */
  if (!wmem_ok(c, p, 8))
    return WE_FAULT;
  memset(wmem(c, p), 0, 8); /* tag 0 = dir */
  wmem_put32(c, p + 4, (uint32_t)strlen(f->preopen_name));
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_prestat_dir_name)(wasi_ctx *c, uint32_t fd, uint32_t buf, uint32_t len) {
  GET_FD(f, fd);
  if (!f->preopen_name)
    return WE_BADF;
  size_t n = strlen(f->preopen_name);
  if (len < n)
    return WE_NAMETOOLONG;
  if (!wmem_ok(c, buf, n))
    return WE_FAULT;
  memcpy(wmem(c, buf), f->preopen_name, n);
  return WE_SUCCESS;
}

static uint8_t dtype(unsigned char t) {
  switch (t) {
  case DT_REG: return WFT_REGULAR_FILE;
  case DT_DIR: return WFT_DIRECTORY;
  case DT_CHR: return WFT_CHARACTER_DEVICE;
  case DT_BLK: return WFT_BLOCK_DEVICE;
  case DT_LNK: return WFT_SYMBOLIC_LINK;
  case DT_SOCK: return WFT_SOCKET_STREAM;
  default: return WFT_UNKNOWN;
  }
}

/* Cookies are entry indices: entry k has d_next = k + 1. An entry that does
 * not fit is written truncated (bufused == buf_len), as preview1 specifies. */
uint32_t WASI_FN(fd_readdir)(wasi_ctx *c, uint32_t fd, uint32_t buf, uint32_t len, uint64_t cookie,
                             uint32_t used_p) {
  GET_FD(f, fd);
  if (!wmem_ok(c, buf, len) || !wmem_ok(c, used_p, 4))
    return WE_FAULT;
  if (!f->dir) {
    int d = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0)
      return wasi_errno(errno);
    if (!(f->dir = fdopendir(d))) {
      int e = errno;
      close(d);
      return wasi_errno(e);
    }
    f->dir_pos = 0;
  }
  DIR *dir = f->dir;
  if (cookie != f->dir_pos) {
    rewinddir(dir);
    f->dir_pos = 0;
    while (f->dir_pos < cookie && readdir(dir))
      f->dir_pos++;
  }
  uint32_t used = 0;
  while (used < len) {
    errno = 0;
    struct dirent *de = readdir(dir);
    if (!de) {
      if (errno)
        return wasi_errno(errno);
      break;
    }
    f->dir_pos++;
    uint8_t hdr[24] = {0};
    uint64_t next = f->dir_pos, ino = de->d_ino;
    uint32_t nlen = (uint32_t)strlen(de->d_name);
    memcpy(hdr, &next, 8);
    memcpy(hdr + 8, &ino, 8);
    memcpy(hdr + 16, &nlen, 4);
    hdr[20] = dtype(de->d_type);
    uint32_t n = len - used < 24 ? len - used : 24;
    memcpy(wmem(c, buf + used), hdr, n);
    used += n;
    n = len - used < nlen ? len - used : nlen;
    memcpy(wmem(c, buf + used), de->d_name, n);
    used += n;
  }
  wmem_put32(c, used_p, used);
  return WE_SUCCESS;
}

uint32_t WASI_FN(fd_sync)(wasi_ctx *c, uint32_t fd) {
  GET_FD(f, fd);
  return fsync(f->host) ? wasi_errno(errno) : WE_SUCCESS;
}
uint32_t WASI_FN(fd_datasync)(wasi_ctx *c, uint32_t fd) {
  GET_FD(f, fd);
  return fdatasync(f->host) ? wasi_errno(errno) : WE_SUCCESS;
}

uint32_t WASI_FN(fd_advise)(wasi_ctx *c, uint32_t fd, uint64_t off, uint64_t len, uint32_t adv) {
  GET_FD(f, fd);
  static const int a[6] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                           POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (adv > 5 || off > INT64_MAX || len > INT64_MAX)
    return WE_INVAL;
  int r = posix_fadvise(f->host, (off_t)off, (off_t)len, a[adv]);
  return r ? wasi_errno(r) : WE_SUCCESS;
}

uint32_t WASI_FN(fd_allocate)(wasi_ctx *c, uint32_t fd, uint64_t off, uint64_t len) {
  GET_FD(f, fd);
  if (off > INT64_MAX || len > INT64_MAX)
    return WE_INVAL;
  int r = posix_fallocate(f->host, (off_t)off, (off_t)len);
  return r ? wasi_errno(r) : WE_SUCCESS;
}
