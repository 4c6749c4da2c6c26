/* Single-threaded mutexes and condition variables; see include/pthread.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static _Noreturn void deadlock(const char *what)
{
    fprintf(stderr, "wasi-compat: %s in a single-threaded WebAssembly program: "
            "no other thread could ever release it (deadlock)\n", what);
    _Exit(134);
}

int pthread_mutex_init(pthread_mutex_t *restrict m, const pthread_mutexattr_t *restrict a)
{
    (void)a;
    m->__u.__i[0] = 0;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) { return m->__u.__i[0] ? EBUSY : 0; }

int pthread_mutex_lock(pthread_mutex_t *m)
{
    if (m->__u.__i[0])
        deadlock("pthread_mutex_lock of a locked mutex");
    m->__u.__i[0] = 1;
    return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (m->__u.__i[0])
        return EBUSY;
    m->__u.__i[0] = 1;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (!m->__u.__i[0])
        return EPERM;
    m->__u.__i[0] = 0;
    return 0;
}

int pthread_cond_init(pthread_cond_t *restrict c, const pthread_condattr_t *restrict a)
{
    (void)c;
    (void)a;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) { (void)c; return 0; }

int pthread_cond_wait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m)
{
    (void)c;
    (void)m;
    deadlock("pthread_cond_wait");
}

int pthread_cond_signal(pthread_cond_t *c) { (void)c; return 0; }
int pthread_cond_broadcast(pthread_cond_t *c) { (void)c; return 0; }

int pthread_create(pthread_t *restrict t, const pthread_attr_t *restrict a,
                   void *(*start)(void *), void *restrict arg)
{
    (void)t;
    (void)a;
    (void)start;
    (void)arg;
    return EAGAIN;
}

int pthread_join(pthread_t t, void **result)
{
    (void)t;
    (void)result;
    return ESRCH;
}
