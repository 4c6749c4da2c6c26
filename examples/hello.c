/* hello.c: the demo's sandboxed program (make demo builds it with lfi-cc
 * and runs it under lfi-run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char *msg = malloc(64);
    if (!msg)
        return 1;
    strcpy(msg, "hello from inside an LFI sandbox");
    printf("%s (argc=%d, argv[1]=%s)\n", msg, argc, argc > 1 ? argv[1] : "-");
    /* The sandbox sees only what lfi-run maps: no host files by default. */
    FILE *f = fopen("/etc/passwd", "r");
    printf("fopen(\"/etc/passwd\"): %s\n", f ? "opened (mapped by --dir)" : "refused");
    free(msg);
    return 0;
}
