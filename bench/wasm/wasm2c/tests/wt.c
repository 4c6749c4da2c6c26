/* Test program for the wasm2c WASI runner (built with clang --target=wasm32-wasi).
 *   wt hello | args ARGS... | cat | files DIR | rel | clock | exit N |
 *      trap unreachable|oob|stack|div | escape DIR | badptr
 * Prints deterministic output; every check prints a line. */
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int failures;
#define CHECK(cond, what)                                                            \
  do {                                                                               \
    if (cond)                                                                        \
      printf("ok   %s\n", what);                                                     \
    else {                                                                           \
      printf("FAIL %s (errno %d %s)\n", what, errno, strerror(errno));             \
      failures++;                                                                    \
    }                                                                                \
  } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list_dir(const char *d) {
  DIR *dir = opendir(d);
  CHECK(dir != NULL, "opendir");
  if (!dir)
    return;
  char *names[256];
  int n = 0;
  struct dirent *de;
  while ((de = readdir(dir)) && n < 256)
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
      names[n++] = strdup(de->d_name);
  closedir(dir);
  qsort(names, (size_t)n, sizeof *names, cmp);
  printf("dir:");
  for (int i = 0; i < n; i++)
    printf(" %s", names[i]), free(names[i]);
  printf("\n");
}

static void file_ops(const char *base) {
  char p[1024], q[1024], sub[1024];
  snprintf(p, sizeof p, "%s/a.txt", base);
  snprintf(q, sizeof q, "%s/b.txt", base);
  snprintf(sub, sizeof sub, "%s/sub", base);
  FILE *f = fopen(p, "w");
  CHECK(f != NULL, "fopen w");
  if (!f)
    return;
  for (int i = 0; i < 1000; i++)
    fprintf(f, "line %d\n", i);
  CHECK(fclose(f) == 0, "fclose");
  struct stat st;
  CHECK(stat(p, &st) == 0 && S_ISREG(st.st_mode), "stat regular");
  printf("size %lld\n", (long long)st.st_size);
  int fd = open(p, O_RDWR);
  CHECK(fd >= 0, "open rdwr");
  char buf[64] = {0};
  CHECK(lseek(fd, 10, SEEK_SET) == 10, "lseek set");
  CHECK(read(fd, buf, 12) == 12, "read");
  printf("read '%.12s'\n", buf);
  CHECK(lseek(fd, 0, SEEK_CUR) == 22, "lseek cur");
  CHECK(lseek(fd, -7, SEEK_END) == st.st_size - 7, "lseek end");
  CHECK(pwrite(fd, "XYZ", 3, 5) == 3, "pwrite");
  CHECK(pread(fd, buf, 8, 0) == 8, "pread");
  printf("pread '%.8s'\n", buf);
  CHECK(ftruncate(fd, 100) == 0, "ftruncate");
  CHECK(fstat(fd, &st) == 0 && st.st_size == 100, "fstat size 100");
  CHECK(fsync(fd) == 0, "fsync");
  CHECK(close(fd) == 0, "close");
  CHECK(rename(p, q) == 0, "rename");
  CHECK(access(p, F_OK) != 0 && errno == ENOENT, "old name gone");
  CHECK(mkdir(sub, 0755) == 0, "mkdir");
  CHECK(mkdir(sub, 0755) != 0 && errno == EEXIST, "mkdir again EEXIST");
  char r[1024];
  snprintf(r, sizeof r, "%s/sub/c.txt", base);
  fd = open(r, O_WRONLY | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0, "create in subdir");
  CHECK(write(fd, "hello\n", 6) == 6, "write");
  close(fd);
  CHECK(open(r, O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST, "O_EXCL EEXIST");
  fd = open(r, O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, "more\n", 5) == 5, "append");
  close(fd);
  CHECK(stat(r, &st) == 0 && st.st_size == 11, "appended size 11");
  struct timespec ts[2] = {{1000000000, 0}, {1200000000, 500}};
  CHECK(utimensat(AT_FDCWD, r, ts, 0) == 0, "utimensat");
  CHECK(stat(r, &st) == 0 && st.st_mtim.tv_sec == 1200000000, "mtime set");
  list_dir(base);
  list_dir(sub);
  CHECK(rmdir(sub) != 0 && errno == ENOTEMPTY, "rmdir nonempty");
  CHECK(unlink(r) == 0, "unlink");
  CHECK(rmdir(sub) == 0, "rmdir");
  CHECK(unlink(q) == 0, "unlink 2");
  CHECK(stat(q, &st) != 0 && errno == ENOENT, "stat ENOENT");
  CHECK(open(base, O_WRONLY) < 0, "open dir for writing fails");
  list_dir(base);
}

/* Many long names: fd_readdir is called repeatedly with cookies and entries
 * that do not fit into wasi-libc's buffer. */
static void many_dir(const char *base) {
  char p[1024];
  for (int i = 0; i < 300; i++) {
    snprintf(p, sizeof p, "%s/%03d-%0200d", base, i, i);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      CHECK(0, "create many");
      return;
    }
    close(fd);
  }
  CHECK(symlink("000-0000", "lnk") == 0 || symlink("x", p) == 0, "symlink");
  snprintf(p, sizeof p, "%s/lnk2", base);
  CHECK(symlink("target-name", p) == 0, "symlink 2");
  char buf[64] = {0};
  CHECK(readlink(p, buf, sizeof buf - 1) == 11 && strcmp(buf, "target-name") == 0, "readlink");
  DIR *d = opendir(base);
  CHECK(d != NULL, "opendir");
  if (!d)
    return;
  int n = 0, seen[300] = {0};
  unsigned long sum = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    n++;
    int k = atoi(de->d_name);
    if (strlen(de->d_name) == 204 && k >= 0 && k < 300)
      seen[k]++;
    for (const char *c = de->d_name; *c; c++)
      sum = sum * 31 + (unsigned char)*c;
  }
  closedir(d);
  int all = 1;
  for (int i = 0; i < 300; i++)
    all &= seen[i] == 1;
  printf("entries %d, each name once: %s\n", n, all ? "yes" : "no");
}

static void rel_ops(void) {
  FILE *f = fopen("rel.txt", "w");
  CHECK(f != NULL, "relative create");
  if (!f)
    return;
  fputs("relative\n", f);
  fclose(f);
  char buf[32] = {0};
  f = fopen("./rel.txt", "r");
  CHECK(f && fgets(buf, sizeof buf, f), "relative read");
  if (f)
    fclose(f);
  printf("got %s", buf);
  CHECK(unlink("rel.txt") == 0, "relative unlink");
}

static void clock_ops(void) {
  struct timespec a, b, res;
  CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "monotonic");
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0, "getres");
  struct timespec d = {0, 20000000};
  CHECK(nanosleep(&d, NULL) == 0, "nanosleep 20ms");
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  CHECK(ns >= 20000000 && ns < 2000000000, "slept >= 20ms");
  CHECK(time(NULL) > 1600000000, "realtime plausible");
  CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &res) == 0, "process cputime");
  unsigned char r1[32] = {0}, r2[32] = {0};
  CHECK(getentropy(r1, 32) == 0 && getentropy(r2, 32) == 0 && memcmp(r1, r2, 32) != 0, "random");
  CHECK(sched_yield() == 0, "sched_yield");
}

static void escape(const char *base) {
  char p[1024];
  snprintf(p, sizeof p, "%s/../escape-target", base);
  CHECK(open(p, O_RDONLY) < 0, "dotdot escape refused");
  CHECK(open("/etc/passwd", O_RDONLY) < 0, "absolute outside refused");
  snprintf(p, sizeof p, "%s/link-out/escape-target", base);
  CHECK(open(p, O_RDONLY) < 0, "symlink dir escape refused");
  snprintf(p, sizeof p, "%s/link-file", base);
  CHECK(open(p, O_RDONLY) < 0, "symlink file escape refused");
  struct stat st;
  CHECK(stat(p, &st) < 0, "stat through symlink refused");
  CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode), "lstat of the link itself ok");
  /* raw WASI calls with paths relative to the preopen fd 3 */
  int fd;
  __wasi_fd_t out;
  __wasi_errno_t e = __wasi_path_open(3, 0, "../escape-target", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out);
  printf("raw ../ -> %s\n", e ? "refused" : "OPENED");
  e = __wasi_path_open(3, 0, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out);
  printf("raw absolute -> %s\n", e ? "refused" : "OPENED");
  e = __wasi_path_open(3, 1, "link-file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &out);
  printf("raw symlink -> %s\n", e ? "refused" : "OPENED");
  e = __wasi_path_create_directory(3, "../escape-dir");
  printf("raw mkdir ../ -> %s\n", e ? "refused" : "CREATED");
  snprintf(p, sizeof p, "%s/inside", base);
  fd = open(p, O_RDONLY);
  CHECK(fd >= 0, "inside file opens");
  if (fd >= 0)
    close(fd);
}

__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t, int32_t);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("args_get"))) int32_t
raw_args_get(int32_t, int32_t);

static void badptr(void) {
  __wasi_size_t n;
  __wasi_errno_t e = __wasi_fd_write(1, (const __wasi_ciovec_t *)0xfffffff0u, 1, &n);
  printf("fd_write bad iovs -> %d\n", e);
  __wasi_ciovec_t iov = {(const uint8_t *)0xffffff00u, 0x1000};
  e = __wasi_fd_write(1, &iov, 1, &n);
  printf("fd_write bad buf -> %d\n", e);
  e = __wasi_random_get((uint8_t *)0xfffffff0u, 64);
  printf("random_get bad buf -> %d\n", e);
  int32_t fdout;
  e = (__wasi_errno_t)raw_path_open(3, 0, (int32_t)0xfffffff0u, 64, 0, 0, 0, 0, (int32_t)(uintptr_t)&fdout);
  printf("path_open bad path -> %d\n", e);
  e = (__wasi_errno_t)raw_path_open(3, 0, (int32_t)(uintptr_t) "x", 1, 0, 0, 0, 0, (int32_t)0xfffffffeu);
  printf("path_open bad result ptr -> %d\n", e);
  e = (__wasi_errno_t)raw_args_get((int32_t)0xfffffff8u, 16);
  printf("args_get bad ptr -> %d\n", e);
  e = __wasi_fd_close(1234);
  printf("fd_close bad fd -> %d\n", e);
}

static int deep(volatile int *p, int n) { return n <= 0 ? *p : deep(p, n + 1) + deep(p, n - 1); }

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: wt CMD\n");
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "hello")) {
    printf("hello, world\n");
  } else if (!strcmp(cmd, "args")) {
    for (int i = 0; i < argc; i++)
      printf("argv[%d]=%s\n", i, argv[i]);
    const char *v = getenv("W2C_TEST");
    printf("W2C_TEST=%s\n", v ? v : "(unset)");
  } else if (!strcmp(cmd, "cat")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
      fwrite(buf, 1, n, stdout);
  } else if (!strcmp(cmd, "files") && argc > 2) {
    file_ops(argv[2]);
  } else if (!strcmp(cmd, "manydir") && argc > 2) {
    many_dir(argv[2]);
  } else if (!strcmp(cmd, "rel")) {
    rel_ops();
  } else if (!strcmp(cmd, "clock")) {
    clock_ops();
  } else if (!strcmp(cmd, "exit") && argc > 2) {
    printf("exiting with %s\n", argv[2]);
    exit(atoi(argv[2]));
  } else if (!strcmp(cmd, "trap") && argc > 2) {
    printf("before trap\n");
    fflush(stdout);
    if (!strcmp(argv[2], "unreachable"))
      __builtin_trap();
    if (!strcmp(argv[2], "oob"))
      printf("%d\n", *(volatile int *)(uintptr_t)0xfffffff0u);
    if (!strcmp(argv[2], "stack")) {
      volatile int z = 0;
      printf("%d\n", deep(&z, 1));
    }
    if (!strcmp(argv[2], "div")) {
      volatile int z = 0, y = 12345;
      printf("%d\n", y / z);
    }
    printf("no trap?\n");
  } else if (!strcmp(cmd, "escape") && argc > 2) {
    escape(argv[2]);
  } else if (!strcmp(cmd, "badptr")) {
    badptr();
  } else {
    fprintf(stderr, "wt: unknown command %s\n", cmd);
    return 2;
  }
  return failures ? 1 : 0;
}
