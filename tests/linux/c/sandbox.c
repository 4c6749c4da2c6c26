/* A C program (musl, built with lfi-cc) that exercises the emulation
 * through libc: stdio on files in a --dir map, directories, threads with
 * mutexes, condition variables and TLS, time, escapes that must fail, and
 * a few signals. Run as: lfi-run --dir /w=DIR --wd /w sandbox
 * Prints one line per check; the test compares them with the expected. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
