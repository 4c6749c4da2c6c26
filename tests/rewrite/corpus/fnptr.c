/* Function pointers, a dense switch (jump table), qsort with a comparator. */
#include <stdio.h>
#include <stdlib.h>

typedef int (*op_fn)(int, int);
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int dvd(int a, int b) { return b ? a / b : 0; }
static const op_fn ops[] = { add, sub, mul, dvd };

static int classify(int x)
{
    switch (x) {
    case 0: return 10;
    case 1: return puts("one");
    case 2: return 33;
    case 3: return x * 7;
    case 4: return add(x, 5);
    case 5: return 55;
    case 6: return mul(x, x);
    case 7: return 77;
    case 8: return puts("eight") + 1;
    case 9: return 99;
    default: return -1;
    }
}

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    (void)argv;
    int v[64], acc = 0;
    for (int i = 0; i < 64; i++)
        v[i] = (i * 7919 + argc) % 101;
    qsort(v, 64, sizeof v[0], cmp);
    for (int i = 0; i < 64; i++)
        acc = ops[i & 3](acc, v[i]) & 0xffff;
    for (int i = 0; i < 12; i++)
        acc += classify(i);
    op_fn f = argc > 5 ? sub : add;
    printf("%d %d\n", acc, f(acc, 1));
    return 0;
}
