/* A C program (musl, built with lfi-cc) that exercises the emulation
 * through libc: stdio on files in a --dir map, directories, threads with
 * mutexes, condition variables and TLS, time, escapes that must fail, and
 * a few signals. Run as: lfi-run --dir /w=DIR --wd /w sandbox
 * Prints one line per check; the test compares them with the expected. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done, counter;
static _Thread_local int tls = 5;

static void *worker(void *arg)
{
    tls += (int)(long)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
    }
    pthread_mutex_lock(&m);
    done++;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
    return (void *)(long)tls;
}

static volatile int handled, handled_signo, handled_in_thread;

static void handler(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    handled++;
    handled_signo = sig == info->si_signo ? sig : -1;
}

static void on_usr2(int sig)
{
    (void)sig;
    handled_in_thread++;
}

static void *sleeper(void *arg)
{
    (void)arg;
    while (!handled_in_thread)
        usleep(1000); /* the signal arrives at one of these system calls */
    return NULL;
}

/* Path calls, vectored I/O and polling, each thread on its own files: the
 * emulation's per-thread buffers (linux/scratch.c) must not mix them up.
 * Returns the number of failed steps. */
static void *file_ops(void *arg)
{
    long id = (long)arg;
    char a[32], b[32], l[32];
    snprintf(a, sizeof a, "ops%ld.a", id);
    snprintf(b, sizeof b, "ops%ld.b", id);
    snprintf(l, sizeof l, "ops%ld.l", id);
    long bad = 0;
    for (int round = 0; round < 50; round++) {
        int fd = open(a, O_CREAT | O_TRUNC | O_RDWR, 0644);
        char x[8], y[8];
        snprintf(x, sizeof x, "%ld-%02d", id, round);
        struct iovec w[2] = { { x, 3 }, { x + 3, strlen(x) - 3 } };
        bad += writev(fd, w, 2) != (ssize_t)strlen(x);
        memset(y, 0, sizeof y);
        struct iovec r[2] = { { y, 2 }, { y + 2, sizeof y - 3 } };
        bad += preadv(fd, r, 2, 0) != (ssize_t)strlen(x) || strcmp(x, y) != 0;
        close(fd);
        bad += rename(a, b) != 0;
        bad += link(b, l) != 0;
        struct stat st;
        bad += stat(l, &st) != 0 || st.st_nlink != 2 || st.st_size != (off_t)strlen(x);
        bad += utimensat(AT_FDCWD, l, NULL, AT_SYMLINK_NOFOLLOW) != 0;
        bad += truncate(l, 2) != 0 || stat(b, &st) != 0 || st.st_size != 2;
        bad += unlink(l) != 0 || unlink(b) != 0;
    }
    return (void *)bad;
}

static void poll_select(void)
{
    int p[2];
    if (pipe(p) != 0) {
        printf("pipe failed\n");
        return;
    }
    struct pollfd pf[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { 900, POLLIN, 0 } };
    int n1 = poll(pf, 3, 0);
    printf("poll %d: in %d out %d nval %d\n", n1, !!(pf[0].revents & POLLIN),
           !!(pf[1].revents & POLLOUT), !!(pf[2].revents & POLLNVAL));
    (void)!write(p[1], "z", 1);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = { 1, 0 };
    int n2 = select(p[0] + 1, &rd, NULL, NULL, &tv);
    printf("select %d readable %d\n", n2, FD_ISSET(p[0], &rd) ? 1 : 0);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    char cwd[256];
    printf("cwd %s\n", getcwd(cwd, sizeof cwd));
    FILE *f = fopen("data.txt", "w");
    for (int i = 0; i < 500; i++)
        fprintf(f, "line %d\n", i);
    fclose(f);
    struct stat st;
    stat("data.txt", &st);
    printf("size %lld\n", (long long)st.st_size);
    f = fopen("data.txt", "r");
    int lines = 0;
    char buf[64];
    while (fgets(buf, sizeof buf, f))
        lines++;
    fclose(f);
    printf("lines %d\n", lines);
    mkdir("d", 0755);
    rename("data.txt", "d/moved.txt");
    DIR *dir = opendir("d");
    struct dirent *e;
    while ((e = readdir(dir)))
        if (e->d_name[0] != '.')
            printf("entry %s\n", e->d_name);
    closedir(dir);
    int fd = open("d/moved.txt", O_RDONLY);
    char *map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("mmap %.6s\n", map == MAP_FAILED ? "failed" : map);
    close(fd);
    int ul = unlink("d/moved.txt");
    printf("unlink %d rmdir %d\n", ul, rmdir("d"));
    errno = 0;
    printf("escape ../../etc/passwd %s\n", fopen("../../etc/passwd", "r") ? "OPENED" : strerror(errno));
    printf("escape /etc/passwd %s\n", fopen("/etc/passwd", "r") ? "OPENED" : strerror(errno));
    symlink("/etc/passwd", "link");
    printf("escape link %s\n", fopen("link", "r") ? "OPENED" : strerror(errno));
    unlink("link");

    pthread_t ops[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&ops[i], NULL, file_ops, (void *)i);
    long opsbad = (long)file_ops((void *)3);
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(ops[i], &r);
        opsbad += (long)r;
    }
    printf("file ops in 4 threads: %ld failed\n", opsbad);
    poll_select();

    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_mutex_lock(&m);
    while (done < 4)
        pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("threads counter %d tls-sum %ld main-tls %d\n", counter, sum, tls);

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("sleep %s\n", (b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec >= 5000000L
                             ? "ok" : "too short");
    struct utsname u;
    uname(&u);
    printf("uname %s %s pid %d\n", u.sysname, u.machine, (int)getpid());
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    raise(SIGUSR1);
    printf("handler ran %d times, signo %d\n", handled, handled_signo);
    signal(SIGUSR2, on_usr2);
    pthread_t th;
    pthread_create(&th, NULL, sleeper, NULL);
    pthread_kill(th, SIGUSR2);
    pthread_join(th, NULL);
    printf("pthread_kill: handled %d\n", handled_in_thread);
    printf("fork %d\n", (int)fork());
    fflush(stdout);
    abort();
}
