/* Function pointers (tables, callbacks, pointers returned from functions)
 * and large dense switch statements, which compilers turn into jump
 * tables; also a sparse switch (a search tree) and a switch on chars. */
#include <stdint.h>
#include <stdio.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_div(int a, int b) { return b ? a / b : 0; }
static int op_mod(int a, int b) { return b ? a % b : 0; }
static int op_and(int a, int b) { return a & b; }
static int op_or(int a, int b) { return a | b; }
static int op_xor(int a, int b) { return a ^ b; }

typedef int (*binop)(int, int);
static binop const table[] = { op_add, op_sub, op_mul, op_div, op_mod, op_and, op_or, op_xor };

static binop pick(char c)
{
    switch (c) {
    case '+': return op_add;
    case '-': return op_sub;
    case '*': return op_mul;
    case '/': return op_div;
    case '%': return op_mod;
    case '&': return op_and;
    case '|': return op_or;
    case '^': return op_xor;
    default: return NULL;
    }
}

static int apply_all(int (*f)(int, int), const int *v, int n)
{
    int acc = v[0];
    for (int i = 1; i < n; i++)
        acc = f(acc, v[i]);
    return acc;
}

/* A dense 64-case switch: a jump table at -O2. */
static uint32_t dense(unsigned x)
{
    switch (x) {
    case 0: return 0x9e3779b9u; case 1: return 17; case 2: return 2 * x + 5;
    case 3: return 3 * x + 1; case 4: return x << 3; case 5: return 55555;
    case 6: return x * x; case 7: return 7777; case 8: return ~x;
    case 9: return x ^ 0xabcdu; case 10: return 1010; case 11: return x - 100;
    case 12: return 12 * 12; case 13: return 13013; case 14: return x | 0x4000;
    case 15: return x + 15; case 16: return 0x10000; case 17: return 1717;
    case 18: return x * 18; case 19: return 19; case 20: return x / 3;
    case 21: return 2121; case 22: return x % 5; case 23: return 232323;
    case 24: return x << 24; case 25: return 25; case 26: return x * x * x;
    case 27: return 2727; case 28: return x + 28000; case 29: return 29;
    case 30: return 303030; case 31: return x - 31; case 32: return 32 << 8;
    case 33: return 3333; case 34: return x ^ 34; case 35: return 35353;
    case 36: return x * 36; case 37: return 37; case 38: return 3838;
    case 39: return x | 39; case 40: return 40404; case 41: return x & 41;
    case 42: return 42; case 43: return x + 4343; case 44: return 44444;
    case 45: return x * 45; case 46: return 4646; case 47: return x << 4;
    case 48: return 48; case 49: return 494949; case 50: return x + x;
    case 51: return 5151; case 52: return x * 52; case 53: return 53;
    case 54: return 545454; case 55: return x ^ 0x55; case 56: return 5656;
    case 57: return x - 57; case 58: return 58; case 59: return x * 59;
    case 60: return 606060; case 61: return 6161; case 62: return x << 1;
    case 63: return 63;
    default: return 0xffffffffu;
    }
}

/* Sparse cases: a compare tree. */
static int sparse(long x)
{
    switch (x) {
    case -1000000: return 1;
    case -77: return 2;
    case 0: return 3;
    case 5: return 4;
    case 1000: return 5;
    case 65536: return 6;
    case 1L << 40: return 7;
    case 123456789: return 8;
    default: return 0;
    }
}

/* A tiny bytecode interpreter: a switch in a loop. */
static long run(const unsigned char *code)
{
    long stack[32];
    int sp = 0;
    for (int pc = 0;; pc++) {
        switch (code[pc]) {
        case 0: return sp ? stack[sp - 1] : 0;
        case 1: stack[sp++] = code[++pc]; break;
        case 2: sp--; stack[sp - 1] += stack[sp]; break;
        case 3: sp--; stack[sp - 1] *= stack[sp]; break;
        case 4: sp--; stack[sp - 1] -= stack[sp]; break;
        case 5: stack[sp] = stack[sp - 1]; sp++; break;
        case 6: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case 7: if (stack[sp - 1] != 0) pc -= code[pc + 1] + 1; else pc++; break;
        case 8: sp--; break;
        default: return -1;
        }
    }
}

struct shape { const char *name; double (*area)(double); };
static double sq(double s) { return s * s; }
static double tri(double s) { return s * s / 2; }
static double circ(double r) { return 3.0 * r * r; }

int main(void)
{
    int v[] = { 100, 7, 3, 2 };
    const char *ops = "+-*/%&|^";
    int expect[] = { 112, 88, 4200, 2, 0, 0, 103, 98 };
    for (int i = 0; i < 8; i++) {
        int r1 = apply_all(table[i], v, 4), r2 = apply_all(pick(ops[i]), v, 4);
        printf("op %c: %d %d\n", ops[i], r1, r2);
        CHECK(r1 == expect[i] && r2 == r1);
    }
    CHECK(pick('?') == NULL);

    uint32_t h = 0;
    for (unsigned x = 0; x < 200; x++)
        h = h * 31 + dense(x % 70);
    printf("dense switch hash: %u\n", h);
    CHECK(dense(6) == 36 && dense(64) == 0xffffffffu && dense(26) == 17576);

    long sv[] = { -1000000, -77, 0, 5, 1000, 65536, 1L << 40, 123456789, 4, -1 };
    int ssum = 0;
    for (int i = 0; i < 10; i++)
        ssum = ssum * 10 + sparse(sv[i]);
    printf("sparse switch: %d\n", ssum);
    CHECK(ssum == 1234567800);

    /* 6*7-2, and a countdown loop from 5 (ends with 0 on the stack). */
    static const unsigned char prog2[] = { 1, 6, 1, 7, 3, 1, 2, 4, 0 };
    static const unsigned char prog3[] = { 1, 5, 1, 1, 4, 7, 3, 0 };
    printf("interpreter: %ld %ld\n", run(prog2), run(prog3));
    CHECK(run(prog3) == 0);
    CHECK(run(prog2) == 40);

    struct shape shapes[] = { { "square", sq }, { "triangle", tri }, { "circle", circ } };
    double total = 0;
    for (int i = 0; i < 3; i++) {
        double a = shapes[i].area(2.0);
        printf("%s: %.2f\n", shapes[i].name, a);
        total += a;
    }
    CHECK(total == 18.0);

    printf("fnptr_switch: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
