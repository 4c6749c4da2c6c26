/* sysloop: N system calls of one kind, for the emulated-syscall benchmark.
 * usage: sysloop getppid|write N   (write: 1 byte to standard output) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long n = atol(argv[2]);
    long sum = 0;
    if (!strcmp(argv[1], "getppid")) {
        for (long i = 0; i < n; i++)
            sum += syscall(SYS_getppid);
    } else if (!strcmp(argv[1], "write")) {
        for (long i = 0; i < n; i++)
            sum += write(1, "x", 1);
    } else {
        return 2;
    }
    fprintf(stderr, "%ld\n", sum != 0);
    return 0;
}
