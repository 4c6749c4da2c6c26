#!/usr/bin/env python3
"""Generate random x86-64 assembly (AT&T) of the kinds the rewriter handles:
integer, SSE and x87 instructions with every operand shape, writes of %rsp,
string instructions, branches, calls, returns, thread-pointer reads and
system calls. Output is valid for GNU as and clang, and after lfi-rewrite it
must pass lfi-verify: run_corpus.py checks that.

usage: gen_random.py [--seed N] [--funcs N] [--insns N] > OUT.s
"""
import argparse
import random

GPR64 = ["rax", "rcx", "rdx", "rbx", "rbp", "rsi", "rdi", "r8", "r9", "r10",
         "r12", "r13", "r15"]
W32 = {"rax": "eax", "rcx": "ecx", "rdx": "edx", "rbx": "ebx", "rbp": "ebp",
       "rsi": "esi", "rdi": "edi", "r8": "r8d", "r9": "r9d", "r10": "r10d",
       "r12": "r12d", "r13": "r13d", "r15": "r15d", "rsp": "esp"}
W16 = {"rax": "ax", "rcx": "cx", "rdx": "dx", "rbx": "bx", "rbp": "bp", "rsi": "si",
       "rdi": "di", "r8": "r8w", "r9": "r9w", "r10": "r10w", "r12": "r12w",
       "r13": "r13w", "r15": "r15w"}
W8 = {"rax": "al", "rcx": "cl", "rdx": "dl", "rbx": "bl", "rbp": "bpl", "rsi": "sil",
      "rdi": "dil", "r8": "r8b", "r9": "r9b", "r10": "r10b", "r12": "r12b",
      "r13": "r13b", "r15": "r15b"}
SUF = {"q": 8, "l": 4, "w": 2, "b": 1}
CC = ["e", "ne", "l", "ge", "a", "be", "s", "ns", "o", "p"]


class Gen:
    def __init__(self, rnd, nfuncs):
        self.r = rnd
        self.nfuncs = nfuncs
        self.lines = []

    def reg(self, size=8):
        g = self.r.choice(GPR64)
        return "%" + {8: g, 4: W32[g], 2: W16[g], 1: W8[g]}[size]

    def disp(self):
        c = self.r.random()
        if c < 0.3:
            return ""
        if c < 0.6:
            return str(self.r.randint(-128, 127))
        if c < 0.75:
            return hex(self.r.randint(0, 0x7fffffff))
        if c < 0.85:
            return "-%d" % self.r.randint(1, 0x7fffffff)
        return self.r.choice(["8*3", "(4+4)", "-(2*8)", "0x10+4"])

    def mem(self):
        c = self.r.random()
        if c < 0.1:
            return "%d(%%rsp)" % self.r.randint(-64, 4096)
        if c < 0.15:
            return self.r.choice(["gvar(%rip)", "gvar+16(%rip)", "8(%rsp,%rax,8)"])
        base = self.r.choice(GPR64 + [None]) if c < 0.95 else "rsp"
        idx = self.r.choice(GPR64 + [None, None])
        if base is None and idx is None:
            base = "rdi"
        s = self.disp() + "("
        if base:
            s += "%" + base
        if idx:
            s += ",%" + idx
            if self.r.random() < 0.7:
                s += "," + str(self.r.choice([1, 2, 4, 8]))
        return s + ")"

    def imm(self, size):
        hi = {1: 127, 2: 32767, 4: 0x7fffffff, 8: 0x7fffffff}[size]
        return "$%d" % self.r.randint(-hi - 1, hi)

    def alu(self):
        op = self.r.choice(["mov", "add", "sub", "and", "or", "xor", "cmp", "test",
                            "adc", "sbb"])
        sfx = self.r.choice(list(SUF))
        n = SUF[sfx]
        form = self.r.randint(0, 4)
        if form == 0:
            return "%s%s %s, %s" % (op, sfx, self.reg(n), self.reg(n))
        if form == 1:
            return "%s%s %s, %s" % (op, sfx, self.imm(n), self.reg(n))
        if form == 2 and op != "test":
            return "%s%s %s, %s" % (op, sfx, self.mem(), self.reg(n))
        if form == 3:
            return "%s%s %s, %s" % (op, sfx, self.reg(n), self.mem())
        return "%s%s %s, %s" % (op, sfx, self.imm(n), self.mem())

    def unary(self):
        op = self.r.choice(["inc", "dec", "neg", "not", "mul", "imul", "div", "idiv"])
        sfx = self.r.choice(list(SUF))
        return "%s%s %s" % (op, sfx, self.mem() if self.r.random() < 0.5 else
                            self.reg(SUF[sfx]))

    def misc(self):
        r = self.r
        c = r.randint(0, 27)
        if c == 0:
            return "shl%s $%d, %s" % ("q", r.randint(1, 63), r.choice([self.reg(), self.mem()]))
        if c == 1:
            return "sarl %%cl, %s" % r.choice([self.reg(4), self.mem()])
        if c == 2:
            return "imulq $%d, %s, %s" % (r.randint(-1000, 1000), self.mem(), self.reg())
        if c == 3:
            return "%s %s, %s" % (r.choice(["movzbl", "movsbl", "movzwl", "movswl"]),
                                  self.mem(), self.reg(4))
        if c == 4:
            return "movslq %s, %s" % (self.mem(), self.reg())
        if c == 5:
            return "leaq %s, %s" % (self.mem(), self.reg())
        if c == 6:
            return "cmov%sq %s, %s" % (r.choice(CC), self.mem(), self.reg())
        if c == 7:
            return "set%s %s" % (r.choice(CC), r.choice([self.mem(), self.reg(1)]))
        if c == 8:
            return "xchgq %s, %s" % (self.reg(), self.mem())
        if c == 9:
            return "lock xaddl %s, %s" % (self.reg(4), self.mem())
        if c == 10:
            return "lock cmpxchgq %s, %s" % (self.reg(), self.mem())
        if c == 11:
            return "btq $%d, %s" % (r.randint(0, 63), self.mem())
        if c == 12:
            return "%s %s, %s" % (r.choice(["bsfq", "bsrq", "popcntq", "tzcntq", "lzcntq"]),
                                  self.mem(), self.reg())
        if c == 13:
            return "bswap %s" % self.reg()
        if c == 14:
            return r.choice(["cqto", "cltq", "cwtl", "clc", "stc", "cmc", "cld", "nop",
                             "pause", "lfence", "mfence", "sfence", "int3", "ud2"])
        if c == 15:
            return "pushq %s" % r.choice([self.reg(), self.mem(), "$%d" % r.randint(-9, 9)])
        if c == 16:
            return "popq %s" % r.choice([self.reg(), self.mem()])
        if c == 17:
            return "%s %s, %%xmm%d" % (r.choice(["movaps", "movups", "addps", "mulsd",
                                                "movss", "movsd", "pxor", "movdqa",
                                                "cvtsi2sdl", "sqrtsd", "andpd"]),
                                       self.mem(), r.randint(0, 15))
        if c == 18:
            return "%s %%xmm%d, %s" % (r.choice(["movaps", "movups", "movss", "movsd",
                                                "movdqu", "movq", "movd"]),
                                       r.randint(0, 15), self.mem())
        if c == 19:
            return "%s $%d, %s, %%xmm%d" % (r.choice(["shufps", "pshufd", "pinsrd",
                                                    "roundsd", "pclmulqdq"]),
                                           r.randint(0, 3), self.mem(), r.randint(0, 15))
        if c == 20:
            return "pextrd $%d, %%xmm%d, %s" % (r.randint(0, 3), r.randint(0, 15), self.mem())
        if c == 21:
            return "%s %s" % (r.choice(["fldt", "fstpt", "fildl", "fistpll", "flds",
                                        "fstpl", "fadds", "fmull", "fnstcw", "fldcw"]),
                              self.mem())
        if c == 22:
            return r.choice(["rep stosq", "rep movsb", "movsl", "stosw", "lodsb",
                             "repne scasb", "repe cmpsq", "movsw", "stosb", "lodsq",
                             "scasl", "cmpsw", "rep stosb"])
        if c == 23:
            return "prefetcht0 %s" % self.mem()
        if c == 24:
            return "crc32q %s, %s" % (self.mem(), self.reg())
        if c == 25:
            return "movq %s, %s" % (self.mem(), self.reg())
        if c == 26:
            return "cmpxchg16b %s" % self.mem()
        return "xlatb"

    def rsp_write(self):
        r = self.r
        c = r.randint(0, 11)
        return [
            "subq $%d, %%rsp" % r.randint(8, 4096),
            "addq $%d, %%rsp" % r.randint(8, 4096),
            "andq $-%d, %%rsp" % r.choice([16, 32, 64]),
            "movq %s, %%rsp" % self.reg(),
            "leaq %s, %%rsp" % self.mem(),
            "subq %s, %%rsp" % self.reg(),
            "movq %s, %%rsp" % self.mem(),
            "cmov%sq %s, %%rsp" % (r.choice(CC), self.reg()),
            "xchgq %s, %%rsp" % self.reg(),
            "popq %rsp",
            "leave",
            "addl $8, %esp",
        ][c]

    def flow(self, f, nlabels):
        r = self.r
        c = r.randint(0, 15)
        lab = ".Lf%d_%d" % (f, r.randrange(nlabels))
        if c < 4:
            return "j%s %s" % (r.choice(CC), lab)
        if c < 5:
            return "jmp %s" % lab
        if c < 6:
            return "call func%d" % r.randrange(self.nfuncs)
        if c < 7:
            return "call ext%d@PLT" % r.randrange(3)
        if c < 8:
            return "call *%s" % self.reg()
        if c < 9:
            return "call *%s" % self.mem()
        if c < 10:
            return "jmp *%s" % self.reg()
        if c < 11:
            return r.choice(["ret", "ret $16", "syscall"])
        if c < 12:
            return "movq %%fs:0, %s" % self.reg()
        if c < 13:
            return "movq %%fs:%d, %s" % (r.randint(0, 64), self.reg())
        if c < 14:
            return "jrcxz 3f\n3:"
        if c < 15:
            return "leaq %s(%%rip), %s" % (lab, self.reg())
        return "loop 2b"

    def func(self, f, ninsns):
        nlabels = max(2, ninsns // 6)
        out = ["\t.globl func%d" % f, "\t.type func%d, @function" % f,
               "func%d:" % f, "2:"]
        pending = list(range(nlabels))
        for i in range(ninsns):
            if pending and self.r.random() < nlabels / ninsns:
                out.append(".Lf%d_%d:" % (f, pending.pop(0)))
            if self.r.random() < 0.05:
                out.append("1:")
            c = self.r.random()
            if c < 0.35:
                out.append("\t" + self.alu())
            elif c < 0.45:
                out.append("\t" + self.unary())
            elif c < 0.75:
                out.append("\t" + self.misc())
            elif c < 0.82:
                out.append("\t" + self.rsp_write())
            else:
                out.append("\t" + self.flow(f, nlabels))
        for p in pending:
            out.append(".Lf%d_%d:" % (f, p))
        out += ["1:", "\tret", "\t.size func%d, .-func%d" % (f, f)]
        return out


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--funcs", type=int, default=40)
    p.add_argument("--insns", type=int, default=150)
    p.add_argument("-o", "--output")
    a = p.parse_args(argv)
    g = Gen(random.Random(a.seed), a.funcs)
    lines = ["\t.text"]
    for f in range(a.funcs):
        lines += g.func(f, a.insns)
    lines += ["\t.data", "gvar:", "\t.zero 64", "\t.section .note.GNU-stack,\"\",@progbits"]
    text = "\n".join(lines) + "\n"
    if a.output:
        with open(a.output, "w") as fh:
            fh.write(text)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
