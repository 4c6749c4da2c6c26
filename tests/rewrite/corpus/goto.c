/* Computed goto: a small threaded interpreter; label addresses are reached
 * by indirect jumps. */
#include <stdio.h>

static long run(const unsigned char *code, long x)
{
    static void *const tab[] = { &&op_inc, &&op_dbl, &&op_dec, &&op_halt };
    const unsigned char *pc = code;
    goto *tab[*pc++];
op_inc:
    x++;
    goto *tab[*pc++];
op_dbl:
    x *= 2;
    goto *tab[*pc++];
op_dec:
    x--;
    goto *tab[*pc++];
op_halt:
    return x;
}

int main(void)
{
    static const unsigned char prog[] = { 0, 1, 1, 2, 0, 1, 3 };
    long r = run(prog, 3);
    printf("%ld\n", r);
    return r == 34 ? 0 : 1;
}
