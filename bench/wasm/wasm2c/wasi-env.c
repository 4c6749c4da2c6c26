/* WASI imports that do not touch files: args, environ, clocks, random,
 * proc_exit, sched_yield, sockets (unsupported). poll_oneoff is in wasi-poll.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "wasi.h"

/* Writes n pointers at vec and the NUL-terminated strings at buf. */
static uint32_t put_strings(wasi_ctx *c, int n, char **s, uint32_t vec, uint32_t buf) {
  if (!wmem_ok(c, vec, (uint64_t)n * 4))
    return WE_FAULT;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(s[i]) + 1;
    if (!wmem_ok(c, buf, len))
      return WE_FAULT;
    memcpy(wmem(c, buf), s[i], len);
    wmem_put32(c, vec + 4 * (uint32_t)i, buf);
    buf += (uint32_t)len;
  }
  return WE_SUCCESS;
}

static uint32_t put_sizes(wasi_ctx *c, int n, char **s, uint32_t count_p, uint32_t size_p) {
  if (!wmem_ok(c, count_p, 4) || !wmem_ok(c, size_p, 4))
    return WE_FAULT;
  uint64_t total = 0;
  for (int i = 0; i < n; i++)
    total += strlen(s[i]) + 1;
  if (total > UINT32_MAX)
    return WE_OVERFLOW;
  wmem_put32(c, count_p, (uint32_t)n);
  wmem_put32(c, size_p, (uint32_t)total);
  return WE_SUCCESS;
}

uint32_t WASI_FN(args_sizes_get)(wasi_ctx *c, uint32_t argc_p, uint32_t size_p) {
  return put_sizes(c, c->argc, c->argv, argc_p, size_p);
}
uint32_t WASI_FN(args_get)(wasi_ctx *c, uint32_t argv_p, uint32_t buf_p) {
  return put_strings(c, c->argc, c->argv, argv_p, buf_p);
}
uint32_t WASI_FN(environ_sizes_get)(wasi_ctx *c, uint32_t n_p, uint32_t size_p) {
  return put_sizes(c, c->envc, c->envp, n_p, size_p);
}
uint32_t WASI_FN(environ_get)(wasi_ctx *c, uint32_t env_p, uint32_t buf_p) {
  return put_strings(c, c->envc, c->envp, env_p, buf_p);
}

static int host_clock(uint32_t id, clockid_t *out) {
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return 1;
  case 1: *out = CLOCK_MONOTONIC; return 1;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 1;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 1;
  default: return 0;
  }
}

uint32_t WASI_FN(clock_res_get)(wasi_ctx *c, uint32_t id, uint32_t res_p) {
  clockid_t cid;
  struct timespec ts;
  if (!host_clock(id, &cid))
    return WE_INVAL;
  if (!wmem_ok(c, res_p, 8))
    return WE_FAULT;
  if (clock_getres(cid, &ts) != 0)
    return wasi_errno(errno);
  wmem_put64(c, res_p, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
  return WE_SUCCESS;
}

uint32_t WASI_FN(clock_time_get)(wasi_ctx *c, uint32_t id, uint64_t precision, uint32_t t_p) {
  (void)precision;
  clockid_t cid;
  struct timespec ts;
  if (!host_clock(id, &cid))
    return WE_INVAL;
  if (!wmem_ok(c, t_p, 8))
    return WE_FAULT;
  if (clock_gettime(cid, &ts) != 0)
    return wasi_errno(errno);
  wmem_put64(c, t_p, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
  return WE_SUCCESS;
}

uint32_t WASI_FN(random_get)(wasi_ctx *c, uint32_t buf, uint32_t len) {
  if (!wmem_ok(c, buf, len))
    return WE_FAULT;
  uint32_t done = 0;
  while (done < len) {
    ssize_t n = getrandom(wmem(c, buf + done), len - done, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return wasi_errno(errno);
    }
    done += (uint32_t)n;
  }
  return WE_SUCCESS;
}

void WASI_FN(proc_exit)(wasi_ctx *c, uint32_t code) {
  (void)c;
  exit((int)(code & 0xff));
}

uint32_t WASI_FN(sched_yield)(wasi_ctx *c) {
  (void)c;
  sched_yield();
  return WE_SUCCESS;
}

uint32_t WASI_FN(sock_accept)(wasi_ctx *c, uint32_t fd, uint32_t flags, uint32_t out) {
  (void)c, (void)fd, (void)flags, (void)out;
  return WE_NOTSUP;
}
uint32_t WASI_FN(sock_recv)(wasi_ctx *c, uint32_t fd, uint32_t iov, uint32_t n, uint32_t fl,
                            uint32_t len_p, uint32_t oflags_p) {
  (void)c, (void)fd, (void)iov, (void)n, (void)fl, (void)len_p, (void)oflags_p;
  return WE_NOTSUP;
}
uint32_t WASI_FN(sock_send)(wasi_ctx *c, uint32_t fd, uint32_t iov, uint32_t n, uint32_t fl,
                            uint32_t len_p) {
  (void)c, (void)fd, (void)iov, (void)n, (void)fl, (void)len_p;
  return WE_NOTSUP;
}
uint32_t WASI_FN(sock_shutdown)(wasi_ctx *c, uint32_t fd, uint32_t how) {
  (void)c, (void)fd, (void)how;
  return WE_NOTSUP;
}
