/* lfi-cc: running the host tools, temporary files. */
#include <errno.h>
#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cc.h"

extern char **environ;

static char *tmpdir;
static unsigned tmpcount;

static void print_cmd(const struct strvec *cmd)
{
    for (size_t i = 0; i < cmd->n; i++)
        fprintf(stderr, "%s%s", i ? " " : "", cmd->v[i]);
    fputc('\n', stderr);
}

int cc_run(const struct cc_job *job, const struct strvec *cmd)
{
    if (job->verbose)
        print_cmd(cmd);
    pid_t pid;
    int err = posix_spawnp(&pid, cmd->v[0], NULL, NULL, (char *const *)cmd->v, environ);
    if (err) {
        fprintf(stderr, "lfi-cc: cannot run %s: %s\n", cmd->v[0], strerror(err));
        return 1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "lfi-cc: waiting for %s: %s\n", cmd->v[0], strerror(errno));
            return 1;
        }
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFSIGNALED(st))
        fprintf(stderr, "lfi-cc: %s killed by signal %d\n", cmd->v[0], WTERMSIG(st));
    return 1;
}

const char *cc_temp(const struct cc_job *job, const char *base, const char *ext)
{
    const char *b = strrchr(base, '/');
    b = b ? b + 1 : base;
    const char *dot = strrchr(b, '.');
    int blen = dot && dot != b ? (int)(dot - b) : (int)strlen(b);
    if (job->save_temps) /* next to the output, as gcc -save-temps does */
        return cc_printf("%.*s%s", blen, b, ext);
    if (!tmpdir) {
        const char *t = getenv("TMPDIR");
        tmpdir = cc_printf("%s/lfi-cc-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) {
            fprintf(stderr, "lfi-cc: cannot create a temporary directory %s: %s\n",
                    tmpdir, strerror(errno));
            exit(2);
        }
    }
    return cc_printf("%s/%u-%.*s%s", tmpdir, tmpcount++, blen, b, ext);
}

void cc_cleanup(const struct cc_job *job)
{
    (void)job;
    if (!tmpdir)
        return;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char *p = cc_printf("%s/%s", tmpdir, e->d_name);
                unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    rmdir(tmpdir);
}
