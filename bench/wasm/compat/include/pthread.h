/* pthread.h for WASI programs that run in one thread (wasi-libc of
 * Debian 12 has no threads and no pthread.h): mutexes and condition
 * variables for code that synchronises with workers which, in these
 * builds, run inline in the calling thread (zstd's multi-threaded
 * compressor with its no-thread job pool; see bench/wasm/README.md).
 * A mutex locked twice or a condition waited on could never be released
 * by another thread: both end the program with a message (status 134)
 * instead of hanging. Threads cannot be created (EAGAIN).
 * Defined in bench/wasm/compat/pthread.c. */
#ifndef WASI_COMPAT_PTHREAD_H
#define WASI_COMPAT_PTHREAD_H
#include <time.h>
#define __NEED_pthread_t
#define __NEED_pthread_attr_t
#define __NEED_pthread_mutexattr_t
#define __NEED_pthread_condattr_t
#define __NEED_pthread_mutex_t
#define __NEED_pthread_cond_t
#include <bits/alltypes.h>

#define PTHREAD_MUTEX_INITIALIZER {{{0}}}
#define PTHREAD_COND_INITIALIZER {{{0}}}

int pthread_mutex_init(pthread_mutex_t *restrict m, const pthread_mutexattr_t *restrict a);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_cond_init(pthread_cond_t *restrict c, const pthread_condattr_t *restrict a);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);
int pthread_create(pthread_t *restrict t, const pthread_attr_t *restrict a,
                   void *(*start)(void *), void *restrict arg);
int pthread_join(pthread_t t, void **result);

#endif
