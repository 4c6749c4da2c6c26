/* WASI path_* imports. Every lookup is confined beneath the directory fd it
 * is relative to (a preopen or a directory opened from one) with Linux
 * openat2(RESOLVE_BENEATH): absolute paths, ".." escapes and symlinks that
 * lead outside fail (EXDEV -> ENOTCAPABLE). Operations that have no openat2
 * form (mkdir, unlink, rename, ...) first open the parent directory that way
 * and then act on the final component only, which is never followed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi.h"

static uint32_t path_err(int e) { return e == EXDEV ? WE_NOTCAPABLE : wasi_errno(e); }

/* openat2 beneath dirfd; returns fd or -1 with errno set. */
int wasi_open_beneath(int dirfd, const char *path, int flags, int mode) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(flags | O_CLOEXEC);
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? (uint64_t)mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long r;
  do
    r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  while (r < 0 && (errno == EAGAIN || errno == EINTR));
  return (int)r;
}

/* The host directory fd a guest fd stands for. */
static uint32_t dir_of(wasi_ctx *c, uint32_t fd, int *host) {
  struct wasi_fd *f = wasi_fd_get(c, fd);
  if (!f)
    return WE_BADF;
  if (f->type != WFT_DIRECTORY)
    return WE_NOTDIR;
  *host = f->host;
  return WE_SUCCESS;
}

/* Copies a guest path into a fresh NUL-terminated string. */
static uint32_t get_path(wasi_ctx *c, uint32_t p, uint32_t len, char **out) {
  if (!wmem_ok(c, p, len))
    return WE_FAULT;
  if (memchr(wmem(c, p), 0, len))
    return WE_INVAL;
  if (len == 0)
    return WE_NOENT;
  char *s = malloc((size_t)len + 1);
  if (!s)
    return WE_NOMEM;
  memcpy(s, wmem(c, p), len);
  s[len] = 0;
  *out = s;
  return WE_SUCCESS;
}

/* Opens the parent directory of path beneath dirfd. *last (pointing into
 * path) is the final component, trailing slashes kept; for a final "." or
 * ".." the whole path is opened and *last is ".". */
static uint32_t open_parent(int dirfd, char *path, int *pfd, const char **last) {
  size_t n = strlen(path), end = n, start;
  while (end > 0 && path[end - 1] == '/')
    end--;
  if (end == 0)
    return WE_NOTCAPABLE; /* "/" */
  start = end;
  while (start > 0 && path[start - 1] != '/')
    start--;
  size_t clen = end - start;
  char *parent;
  if ((clen == 1 && path[start] == '.') || (clen == 2 && path[start] == '.' && path[start + 1] == '.')) {
    parent = strdup(path);
    *last = ".";
  } else {
    parent = start == 0 ? strdup(".") : strndup(path, start);
    *last = path + start;
  }
  if (!parent)
    return WE_NOMEM;
  int fd = wasi_open_beneath(dirfd, parent, O_PATH | O_DIRECTORY, 0), err = errno;
  free(parent);
  if (fd < 0)
    return path_err(err);
  *pfd = fd;
  return WE_SUCCESS;
}

/* Common prologue: dir fd + guest path + parent open. */
struct parent_ref {
  char *path;
  int pfd;
  const char *last;
};

static uint32_t get_parent(wasi_ctx *c, uint32_t fd, uint32_t p, uint32_t len, struct parent_ref *r) {
  int dir;
  uint32_t e = dir_of(c, fd, &dir);
  if (!e)
    e = get_path(c, p, len, &r->path);
  if (e)
    return e;
  e = open_parent(dir, r->path, &r->pfd, &r->last);
  if (e)
    free(r->path);
  return e;
}

static void put_parent(struct parent_ref *r) {
  close(r->pfd);
  free(r->path);
}

uint32_t WASI_FN(path_open)(wasi_ctx *c, uint32_t fd, uint32_t lookup, uint32_t p, uint32_t len,
                            uint32_t oflags, uint64_t rights, uint64_t rights_inh, uint32_t fdflags,
                            uint32_t fd_p) {
  (void)rights_inh;
  int dir;
  char *path;
  uint32_t e = dir_of(c, fd, &dir);
  if (e)
    return e;
  if (!wmem_ok(c, fd_p, 4))
    return WE_FAULT;
  if ((e = get_path(c, p, len, &path)))
    return e;
  int rd = (rights & (WR_FD_READ | WR_FD_READDIR)) != 0;
  int wr = (rights & (WR_FD_WRITE | WR_FD_DATASYNC | WR_FD_ALLOCATE | WR_FD_FILESTAT_SET_SIZE)) != 0;
  int flags = wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & WO_DIRECTORY)
    flags = O_RDONLY | O_DIRECTORY;
  if (oflags & WO_CREAT)
    flags |= O_CREAT;
  if (oflags & WO_EXCL)
    flags |= O_EXCL;
  if (oflags & WO_TRUNC)
    flags |= O_TRUNC;
  if (fdflags & WFDF_APPEND)
    flags |= O_APPEND;
  if (fdflags & WFDF_NONBLOCK)
    flags |= O_NONBLOCK;
  if (fdflags & WFDF_DSYNC)
    flags |= O_DSYNC;
  if (fdflags & WFDF_SYNC)
    flags |= O_SYNC;
  if (fdflags & WFDF_RSYNC)
    flags |= O_RSYNC;
  if (!(lookup & WL_SYMLINK_FOLLOW))
    flags |= O_NOFOLLOW;
  int h = wasi_open_beneath(dir, path, flags, 0666);
  int err = errno;
  free(path);
  if (h < 0)
    return path_err(err);
  struct stat st;
  if (fstat(h, &st) != 0) {
    err = errno;
    close(h);
    return wasi_errno(err);
  }
  int64_t g = wasi_fd_add(c, h, wasi_filetype_of_mode(st.st_mode), NULL);
  if (g < 0) {
    close(h);
    return WE_MFILE;
  }
  wmem_put32(c, fd_p, (uint32_t)g);
  return WE_SUCCESS;
}

/* Opens the path itself as O_PATH (following a final symlink only if asked). */
static uint32_t open_opath(wasi_ctx *c, uint32_t fd, uint32_t lookup, uint32_t p, uint32_t len,
                           int *out) {
  int dir;
  char *path;
  uint32_t e = dir_of(c, fd, &dir);
  if (!e)
    e = get_path(c, p, len, &path);
  if (e)
    return e;
  int h = wasi_open_beneath(dir, path, O_PATH | ((lookup & WL_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW), 0);
  int err = errno;
  free(path);
  if (h < 0)
    return path_err(err);
  *out = h;
  return WE_SUCCESS;
}

uint32_t WASI_FN(path_filestat_get)(wasi_ctx *c, uint32_t fd, uint32_t lookup, uint32_t p,
                                    uint32_t len, uint32_t st_p) {
  if (!wmem_ok(c, st_p, 64))
    return WE_FAULT;
  int h;
  uint32_t e = open_opath(c, fd, lookup, p, len, &h);
  if (e)
    return e;
  struct stat st;
  int r = fstat(h, &st), err = errno;
  close(h);
  if (r != 0)
    return wasi_errno(err);
  wasi_put_filestat(c, st_p, &st);
  return WE_SUCCESS;
}

uint32_t WASI_FN(path_filestat_set_times)(wasi_ctx *c, uint32_t fd, uint32_t lookup, uint32_t p,
                                          uint32_t len, uint64_t atim, uint64_t mtim, uint32_t fst) {
  struct timespec ts[2];
  uint32_t e = wasi_times(atim, mtim, fst, ts);
  if (e)
    return e;
  int h;
  if ((e = open_opath(c, fd, lookup, p, len, &h)))
    return e;
  int r = utimensat(h, "", ts, AT_EMPTY_PATH), err = errno;
  close(h);
  return r ? wasi_errno(err) : WE_SUCCESS;
}

uint32_t WASI_FN(path_create_directory)(wasi_ctx *c, uint32_t fd, uint32_t p, uint32_t len) {
  struct parent_ref r;
  uint32_t e = get_parent(c, fd, p, len, &r);
  if (e)
    return e;
  int res = mkdirat(r.pfd, r.last, 0777), err = errno;
  put_parent(&r);
  return res ? wasi_errno(err) : WE_SUCCESS;
}

static uint32_t unlink_common(wasi_ctx *c, uint32_t fd, uint32_t p, uint32_t len, int flags) {
  struct parent_ref r;
  uint32_t e = get_parent(c, fd, p, len, &r);
  if (e)
    return e;
  int res = unlinkat(r.pfd, r.last, flags), err = errno;
  put_parent(&r);
  return res ? wasi_errno(err) : WE_SUCCESS;
}

uint32_t WASI_FN(path_remove_directory)(wasi_ctx *c, uint32_t fd, uint32_t p, uint32_t len) {
  return unlink_common(c, fd, p, len, AT_REMOVEDIR);
}

uint32_t WASI_FN(path_unlink_file)(wasi_ctx *c, uint32_t fd, uint32_t p, uint32_t len) {
  return unlink_common(c, fd, p, len, 0);
}

uint32_t WASI_FN(path_rename)(wasi_ctx *c, uint32_t ofd, uint32_t op, uint32_t olen, uint32_t nfd,
                              uint32_t np, uint32_t nlen) {
  struct parent_ref a, b;
  uint32_t e = get_parent(c, ofd, op, olen, &a);
  if (e)
    return e;
  if ((e = get_parent(c, nfd, np, nlen, &b))) {
    put_parent(&a);
    return e;
  }
  int res = renameat(a.pfd, a.last, b.pfd, b.last), err = errno;
  put_parent(&a);
  put_parent(&b);
  return res ? wasi_errno(err) : WE_SUCCESS;
}

uint32_t WASI_FN(path_link)(wasi_ctx *c, uint32_t ofd, uint32_t lookup, uint32_t op, uint32_t olen,
                            uint32_t nfd, uint32_t np, uint32_t nlen) {
  if (lookup & WL_SYMLINK_FOLLOW)
    return WE_NOTSUP; /* following would resolve outside RESOLVE_BENEATH */
  struct parent_ref a, b;
  uint32_t e = get_parent(c, ofd, op, olen, &a);
  if (e)
    return e;
  if ((e = get_parent(c, nfd, np, nlen, &b))) {
    put_parent(&a);
    return e;
  }
  int res = linkat(a.pfd, a.last, b.pfd, b.last, 0), err = errno;
  put_parent(&a);
  put_parent(&b);
  return res ? wasi_errno(err) : WE_SUCCESS;
}

uint32_t WASI_FN(path_readlink)(wasi_ctx *c, uint32_t fd, uint32_t p, uint32_t len, uint32_t buf,
                                uint32_t buf_len, uint32_t used_p) {
  if (!wmem_ok(c, buf, buf_len) || !wmem_ok(c, used_p, 4))
    return WE_FAULT;
  struct parent_ref r;
  uint32_t e = get_parent(c, fd, p, len, &r);
  if (e)
    return e;
  ssize_t n = readlinkat(r.pfd, r.last, (char *)wmem(c, buf), buf_len);
  int err = errno;
  put_parent(&r);
  if (n < 0)
    return wasi_errno(err);
  wmem_put32(c, used_p, (uint32_t)n);
  return WE_SUCCESS;
}

/* Symlinks are created as asked; absolute targets are refused because they
 * can never resolve beneath a preopen (and would confuse host tools). */
uint32_t WASI_FN(path_symlink)(wasi_ctx *c, uint32_t tp, uint32_t tlen, uint32_t fd, uint32_t p,
                               uint32_t len) {
  char *target;
  uint32_t e = get_path(c, tp, tlen, &target);
  if (e)
    return e;
  if (target[0] == '/') {
    free(target);
    return WE_NOTCAPABLE;
  }
  struct parent_ref r;
  if ((e = get_parent(c, fd, p, len, &r))) {
    free(target);
    return e;
  }
  int res = symlinkat(target, r.pfd, r.last), err = errno;
  put_parent(&r);
  free(target);
  return res ? wasi_errno(err) : WE_SUCCESS;
}
