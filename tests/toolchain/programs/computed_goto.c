/* Computed goto (labels as values): a threaded register-machine
 * interpreter and a goto table indexed by data. */
#include <stdio.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

enum { SET, ADD, MUL, DEC, JNZ, XOR, SHL, HALT };

static long interpret(const long *code, long *steps)
{
    static void *const dispatch[] = { &&set, &&add, &&mul, &&dec, &&jnz, &&xor, &&shl, &&halt };
    long r[4] = { 0, 0, 0, 0 };
    const long *pc = code;
    long n = 0;
#define NEXT do { n++; goto *dispatch[*pc++]; } while (0)
    NEXT;
set:
    r[pc[0]] = pc[1];
    pc += 2;
    NEXT;
add:
    r[pc[0]] += r[pc[1]];
    pc += 2;
    NEXT;
mul:
    r[pc[0]] *= r[pc[1]];
    pc += 2;
    NEXT;
dec:
    r[pc[0]]--;
    pc += 1;
    NEXT;
jnz:
    pc = r[pc[0]] ? code + pc[1] : pc + 2;
    NEXT;
xor:
    r[pc[0]] ^= r[pc[1]];
    pc += 2;
    NEXT;
shl:
    r[pc[0]] <<= pc[1];
    pc += 2;
    NEXT;
halt:
    *steps = n;
    return r[pc[0]];
#undef NEXT
}

static const char *classify(int c)
{
    static void *const jump[4] = { &&zero, &&one, &&two, &&many };
    goto *jump[c < 3 ? c : 3];
zero:
    return "zero";
one:
    return "one";
two:
    return "two";
many:
    return "many";
}

int main(void)
{
    long steps;
    const long fact[] = { SET, 0, 1, SET, 1, 20, /* 6: */ MUL, 0, 1, DEC, 1, JNZ, 1, 6, HALT, 0 };
    long r = interpret(fact, &steps);
    printf("20! = %ld (%ld steps)\n", r, steps);
    CHECK(r == 2432902008176640000L && steps == 63);

    const long sum[] = { SET, 0, 0, SET, 1, 100000, /* 6: */ ADD, 0, 1, DEC, 1, JNZ, 1, 6, HALT, 0 };
    r = interpret(sum, &steps);
    printf("sum(1..100000) = %ld (%ld steps)\n", r, steps);
    CHECK(r == 5000050000L);

    const long mix[] = { SET, 0, 0x1234, SET, 1, 7, SET, 2, 1,
                         /* 9: */ SHL, 0, 3, XOR, 0, 1, ADD, 0, 2, DEC, 1, JNZ, 1, 9, HALT, 0 };
    r = interpret(mix, &steps);
    printf("mix = %ld (%ld steps)\n", r, steps);
    CHECK(r == 9775082266L && steps == 39);

    for (int i = 0; i < 6; i++)
        printf("classify(%d) = %s\n", i, classify(i));
    CHECK(classify(0)[0] == 'z' && classify(2)[0] == 't' && classify(9)[0] == 'm');

    printf("computed_goto: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
