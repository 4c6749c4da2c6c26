/* poll_oneoff: clock subscriptions (relative or absolute) and fd readiness
 * subscriptions, implemented with ppoll() (nanosecond timeout). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "wasi.h"

enum { SUB_SIZE = 48, EVENT_SIZE = 32, EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

static uint64_t now_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_event(wasi_ctx *c, uint32_t ev, uint64_t userdata, uint16_t err, uint8_t type,
                      uint64_t nbytes, uint16_t flags) {
  for (uint32_t i = 0; i < EVENT_SIZE; i++)
    wmem(c, ev)[i] = 0;
  wmem_put64(c, ev, userdata);
  wmem_put16(c, ev + 8, err);
  wmem(c, ev)[10] = type;
  wmem_put64(c, ev + 16, nbytes);
  wmem_put16(c, ev + 24, flags);
}

uint32_t WASI_FN(poll_oneoff)(wasi_ctx *c, uint32_t in, uint32_t out, uint32_t nsubs,
                              uint32_t nevents_p) {
  if (nsubs == 0)
    return WE_INVAL;
  if (!wmem_ok(c, in, (uint64_t)nsubs * SUB_SIZE) || !wmem_ok(c, out, (uint64_t)nsubs * EVENT_SIZE) ||
      !wmem_ok(c, nevents_p, 4))
    return WE_FAULT;
  struct pollfd *pfd = calloc(nsubs, sizeof *pfd);
  uint64_t *deadline = calloc(nsubs, sizeof *deadline); /* monotonic ns, 0 = not a clock */
  if (!pfd || !deadline) {
    free(pfd);
    free(deadline);
    return WE_NOMEM;
  }
  uint32_t nev = 0, npfd = 0;
  uint64_t t0 = now_ns(CLOCK_MONOTONIC), first = UINT64_MAX;
  for (uint32_t i = 0; i < nsubs; i++) {
    uint32_t s = in + i * SUB_SIZE;
    uint64_t ud = wmem_get64(c, s);
    uint8_t tag = wmem(c, s + 8)[0];
    pfd[i].fd = -1;
    if (tag == EV_CLOCK) {
      uint32_t id = wmem_get32(c, s + 16);
      uint64_t timeout = wmem_get64(c, s + 24);
      uint16_t flags = wmem_get16(c, s + 40);
      clockid_t cid = id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
      if (id > 1) {
        put_event(c, out + nev++ * EVENT_SIZE, ud, WE_NOTSUP, tag, 0, 0);
        continue;
      }
      uint64_t rel = timeout;
      if (flags & 1) { /* ABSTIME */
        uint64_t n = now_ns(cid);
        rel = timeout > n ? timeout - n : 0;
      }
      if (rel > UINT64_MAX - t0 - 2)
        rel = UINT64_MAX - t0 - 2;
      deadline[i] = t0 + rel + 1;
      if (deadline[i] < first)
        first = deadline[i];
    } else if (tag == EV_FD_READ || tag == EV_FD_WRITE) {
      struct wasi_fd *f = wasi_fd_get(c, wmem_get32(c, s + 16));
      if (!f) {
        put_event(c, out + nev++ * EVENT_SIZE, ud, WE_BADF, tag, 0, 0);
        continue;
      }
      pfd[i].fd = f->host;
      pfd[i].events = tag == EV_FD_READ ? POLLIN : POLLOUT;
      npfd++;
    } else {
      put_event(c, out + nev++ * EVENT_SIZE, ud, WE_INVAL, tag, 0, 0);
    }
  }
  for (;;) {
    struct timespec ts, *tp = NULL;
    if (nev > 0) {
      ts.tv_sec = 0, ts.tv_nsec = 0, tp = &ts;
    } else if (first != UINT64_MAX) {
      uint64_t n = now_ns(CLOCK_MONOTONIC), rel = first > n ? first - n : 0;
      ts.tv_sec = (time_t)(rel / 1000000000u), ts.tv_nsec = (long)(rel % 1000000000u), tp = &ts;
    }
    int r = ppoll(pfd, nsubs, tp, NULL); /* entries with fd -1 are ignored */
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(pfd);
      free(deadline);
      return wasi_errno(errno);
    }
    uint64_t n = now_ns(CLOCK_MONOTONIC);
    for (uint32_t i = 0; i < nsubs; i++) {
      uint32_t s = in + i * SUB_SIZE;
      uint8_t tag = wmem(c, s + 8)[0];
      if (pfd[i].fd >= 0 && pfd[i].revents) {
        int avail = 0;
        if (tag == EV_FD_READ && ioctl(pfd[i].fd, FIONREAD, &avail) != 0)
          avail = 1;
        uint16_t err = (pfd[i].revents & POLLNVAL) ? WE_BADF : 0;
        uint16_t fl = (pfd[i].revents & POLLHUP) ? 1 : 0;
        put_event(c, out + nev++ * EVENT_SIZE, wmem_get64(c, s), err, tag,
                  avail < 0 ? 0 : (uint64_t)avail, fl);
      } else if (deadline[i] && deadline[i] <= n) {
        put_event(c, out + nev++ * EVENT_SIZE, wmem_get64(c, s), 0, EV_CLOCK, 0, 0);
      }
    }
    if (nev > 0 || (npfd == 0 && first == UINT64_MAX))
      break;
  }
  free(pfd);
  free(deadline);
  wmem_put32(c, nevents_p, nev);
  return WE_SUCCESS;
}
