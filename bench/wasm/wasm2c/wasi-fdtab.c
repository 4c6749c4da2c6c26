/* The guest's file-descriptor table: guest fd -> host fd + metadata. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

#define WASI_MAX_FDS 65536u

uint8_t wasi_filetype_of_mode(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return WFT_REGULAR_FILE;
  case S_IFDIR: return WFT_DIRECTORY;
  case S_IFCHR: return WFT_CHARACTER_DEVICE;
  case S_IFBLK: return WFT_BLOCK_DEVICE;
  case S_IFLNK: return WFT_SYMBOLIC_LINK;
  case S_IFSOCK: return WFT_SOCKET_STREAM;
  default: return WFT_UNKNOWN; /* FIFOs have no preview1 type */
  }
}

/* Guest fds 0..2 are the process's stdin/stdout/stderr. */
int wasi_fdtab_init(wasi_ctx *c) {
  c->nfds = 0;
  c->fds = NULL;
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    uint8_t type = fstat(fd, &st) == 0 ? wasi_filetype_of_mode(st.st_mode) : WFT_UNKNOWN;
    if (wasi_fd_add(c, fd, type, NULL) != fd)
      return -1;
  }
  return 0;
}

int64_t wasi_fd_add(wasi_ctx *c, int host, uint8_t type, const char *preopen_name) {
  uint32_t i = 0;
  while (i < c->nfds && c->fds[i].used)
    i++;
  if (i == c->nfds) {
    if (c->nfds >= WASI_MAX_FDS)
      return -1;
    uint32_t n = c->nfds ? c->nfds * 2 : 16;
    struct wasi_fd *nf = realloc(c->fds, n * sizeof *nf);
    if (!nf)
      return -1;
    memset(nf + c->nfds, 0, (n - c->nfds) * sizeof *nf);
    c->fds = nf;
    c->nfds = n;
  }
  struct wasi_fd *f = &c->fds[i];
  memset(f, 0, sizeof *f);
  if (preopen_name && !(f->preopen_name = strdup(preopen_name)))
    return -1;
  f->used = 1;
  f->host = host;
  f->type = type;
  return i;
}

struct wasi_fd *wasi_fd_get(wasi_ctx *c, uint32_t fd) {
  if (fd >= c->nfds || !c->fds[fd].used)
    return NULL;
  return &c->fds[fd];
}

void wasi_fd_release(struct wasi_fd *f) {
  if (f->dir)
    closedir(f->dir);
  close(f->host);
  free(f->preopen_name);
  memset(f, 0, sizeof *f);
}
