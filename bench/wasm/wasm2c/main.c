/* Runner for a wasm2c-compiled WASI command module:
 *   EXE [--dir SANDBOX=HOST]... [--wd DIR] [--env NAME=VALUE]... [--] ARGS...
 * The module (named "wmod" by build.sh) sees argv = {MODULE_NAME, ARGS...},
 * the preopens in order as fds 3.., and an environment holding only the
 * --env additions and PWD = the working directory (as bench/wasm/node-run.mjs). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module.h"
#include "wasi.h"
#include "wasm-rt-impl.h"

#ifndef W2C_MODULE_NAME
#define W2C_MODULE_NAME "module"
#endif

struct preopen {
  char *guest; /* absolute guest path, no trailing slash (except "/") */
  char *host;  /* canonical host path */
  int fd;
};

static const char *prog = "w2c-run";

static void die(const char *fmt, const char *a) {
  fprintf(stderr, "%s: ", prog);
  fprintf(stderr, fmt, a);
  fputc('\n', stderr);
  exit(2);
}

static void usage(void) {
  fprintf(stderr, "usage: %s [--dir SANDBOX=HOST]... [--wd DIR] [--env K=V]... [--] ARGS...\n", prog);
  exit(2);
}

static char *norm_guest(const char *s) {
  if (s[0] != '/')
    die("guest path must be absolute: %s", s);
  char *g = strdup(s);
  if (!g)
    die("%s", "out of memory");
  size_t n = strlen(g);
  while (n > 1 && g[n - 1] == '/')
    g[--n] = 0;
  return g;
}

/* Length of prefix if it covers path on a component boundary, else -1. */
static long covers(const char *prefix, const char *path) {
  size_t n = strlen(prefix);
  if (strcmp(prefix, "/") == 0)
    return path[0] == '/' ? 1 : -1;
  if (strncmp(prefix, path, n) == 0 && (path[n] == 0 || path[n] == '/'))
    return (long)n;
  return -1;
}

int main(int argc, char **argv) {
  static wasi_ctx ctx;
  static Z_wmod_instance_t inst;
  struct preopen pre[64];
  int npre = 0;
  const char *wd = NULL;
  char **env = NULL;
  int nenv = 0, i;

  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    } else if (strcmp(a, "--dir") == 0 && i + 1 < argc) {
      char *spec = argv[++i], *eq = strchr(spec, '=');
      if (!eq || npre == 64)
        usage();
      *eq = 0;
      pre[npre].guest = norm_guest(spec);
      if (!(pre[npre].host = realpath(eq + 1, NULL)))
        die("cannot resolve --dir host path %s", eq + 1);
      if ((pre[npre].fd = open(pre[npre].host, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        die("cannot open directory %s", pre[npre].host);
      npre++;
    } else if (strcmp(a, "--wd") == 0 && i + 1 < argc) {
      wd = argv[++i];
    } else if (strcmp(a, "--env") == 0 && i + 1 < argc) {
      if (!strchr(argv[i + 1], '='))
        usage();
      char **ne = realloc(env, (size_t)(nenv + 1) * sizeof *ne);
      if (!ne)
        die("%s", "out of memory");
      env = ne;
      env[nenv++] = argv[++i];
    } else if (a[0] == '-' && a[1] == '-') {
      usage();
    } else {
      break;
    }
  }

  /* argv: module name + the rest */
  ctx.argc = argc - i + 1;
  if (!(ctx.argv = calloc((size_t)ctx.argc + 1, sizeof *ctx.argv)))
    die("%s", "out of memory");
  ctx.argv[0] = (char *)W2C_MODULE_NAME;
  for (int k = 1; k < ctx.argc; k++)
    ctx.argv[k] = argv[i + k - 1];

  if (wasi_fdtab_init(&ctx) != 0)
    die("%s", "cannot set up the fd table");
  for (int k = 0; k < npre; k++)
    if (wasi_fd_add(&ctx, pre[k].fd, WFT_DIRECTORY, pre[k].guest) != 3 + k)
      die("%s", "cannot set up preopens");

  /* working directory: --wd, else the guest path of the host cwd if a
   * preopen covers it (the closest one) */
  char *wd_guest = NULL;
  if (wd) {
    wd_guest = norm_guest(wd);
  } else {
    char cwd[PATH_MAX];
    long best = -1;
    if (getcwd(cwd, sizeof cwd)) {
      for (int k = 0; k < npre; k++) {
        long n = covers(pre[k].host, cwd);
        if (n > best) {
          best = n;
          const char *rest = strcmp(pre[k].host, "/") == 0 ? cwd : cwd + n;
          int groot = strcmp(pre[k].guest, "/") == 0;
          size_t len = strlen(pre[k].guest) + strlen(rest) + 2;
          free(wd_guest);
          if (!(wd_guest = malloc(len)))
            die("%s", "out of memory");
          snprintf(wd_guest, len, "%s%s", groot && rest[0] ? "" : pre[k].guest, rest);
        }
      }
    }
  }

  /* environment: the --env additions and PWD = the working directory; the
   * modules built by bench/wasm/build-wasm.sh chdir to $PWD at startup
   * (wasi-libc keeps the cwd inside the module; preview1 cannot set it) */
  if (!(ctx.envp = calloc((size_t)nenv + 2, sizeof *ctx.envp)))
    die("%s", "out of memory");
  for (int k = 0; k < nenv; k++)
    if (!wd_guest || strncmp(env[k], "PWD=", 4) != 0)
      ctx.envp[ctx.envc++] = env[k];
  if (wd_guest) {
    size_t len = strlen(wd_guest) + 5;
    if (!(ctx.envp[ctx.envc] = malloc(len)))
      die("%s", "out of memory");
    snprintf(ctx.envp[ctx.envc++], len, "PWD=%s", wd_guest);
  }

  wasm_rt_init();
  Z_wmod_init_module();
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    fprintf(stderr, "%s: wasm trap: %s\n", W2C_MODULE_NAME, wasm_rt_strerror(trap));
    fflush(stderr);
    _exit(134);
  }
  Z_wmod_instantiate(&inst, &ctx);
  ctx.mem = Z_wmodZ_memory(&inst);
  Z_wmodZ__start(&inst);
  return 0;
}
