#!/usr/bin/env python3
"""Build the verifier benchmark corpus: real compiler output made LFI-compliant.

For every (program, toolchain) pair this script

  1. compiles the C sources to assembly (gcc -O2 or clang -O2),
  2. rewrites the assembly into LFI x86-64 sandbox form (docs/verifier.md)
     with the crude rewriter below,
  3. assembles it (GNU as, or clang's integrated assembler),
  4. links it statically without libc; every undefined symbol becomes a
     32-byte aligned `ud2` stub,
  5. (GNU as only) runs a small post-link pass that moves every call to the
     end of its bundle and merges the assembler's 1-byte NOP padding into
     multi-byte NOPs, as the reference's lfi-postlink does.

The result only has to be *verifiable*, not correct: semantics are not
preserved (clang cannot reserve %r14/%r11, so its %r14 is renamed to %r11;
whatever cannot be made compliant simply becomes `ud2`). It is input for
timing the verifier, like the reference's sqlite3 measurement.

Usage: mkcorpus.py --src DIR --out DIR [--only NAME ...] [-j N]
The sources are fetched by mkcorpus.sh (Debian source packages).
"""

import argparse
import concurrent.futures
import glob
import os
import re
import struct
import subprocess
import sys

# ---------------------------------------------------------------------------
# Registers

GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
         'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15']
LEGACY32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi']
LEGACY16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di']
LEGACY8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil']

REGNUM = {}      # register name -> (number, width in bytes)
NAME32 = {}      # number -> 32-bit name
for n, r in enumerate(GPR64):
    REGNUM[r] = (n, 8)
    if n < 8:
        names = (LEGACY32[n], LEGACY16[n], LEGACY8[n])
    else:
        names = (r + 'd', r + 'w', r + 'b')
    REGNUM[names[0]] = (n, 4)
    REGNUM[names[1]] = (n, 2)
    REGNUM[names[2]] = (n, 1)
    NAME32[n] = names[0]
for n, r in enumerate(['ah', 'ch', 'dh', 'bh']):
    REGNUM[r] = (n, 1)
RSP, R11, R14 = 4, 11, 14

MASK = '$0xffffffe0'
MAX_DISP = 256 << 20


def gpr(op):
    """(number, width) if `op` is a general-purpose register operand."""
    if op.startswith('%'):
        return REGNUM.get(op[1:])
    return None


def is_reg(op):
    return re.fullmatch(r'%[a-z0-9]+(\(\d\))?', op) is not None


def is_imm(op):
    return op.startswith('$')


def is_mem(op):
    return not is_reg(op) and not is_imm(op)


MEM_RE = re.compile(
    r'^(?:%(?P<seg>[c-gs]s):)?(?P<disp>[^()]*?)\s*'
    r'(?:\(\s*(?P<base>%[a-z0-9]+)?\s*'
    r'(?:,\s*(?P<index>%[a-z0-9]+)?\s*(?:,\s*(?P<scale>\d+))?)?\s*\))?$')


def parse_int(s):
    try:
        return int(s, 0)
    except ValueError:
        return None


class Unsandboxable(Exception):
    pass


def sandbox_mem(op):
    """The sandboxed form of a memory operand that is accessed.

    Raises Unsandboxable when there is no simple compliant form; returns
    ('fs', disp) for a %fs operand without registers (thread pointer)."""
    m = MEM_RE.match(op)
    if not m:
        raise Unsandboxable(op)
    seg, disp, base, index, scale = m.group('seg', 'disp', 'base', 'index', 'scale')
    disp = disp.strip()
    if seg == 'fs':
        if base or index:
            raise Unsandboxable(op)
        return ('fs', disp or '0')
    if seg:
        raise Unsandboxable(op)
    if base is None and index is None:
        if not disp:
            raise Unsandboxable(op)
        v = parse_int(disp)
        if v is not None:
            if abs(v) > MAX_DISP:
                raise Unsandboxable(op)
            return '%s(%%r14)' % disp
        return '%s(%%rip)' % disp          # absolute symbol: same address
    if base == '%rip':
        return op
    if base == '%rsp' and index is None:
        v = parse_int(disp) if disp else 0
        if v is None or abs(v) > MAX_DISP:
            raise Unsandboxable(op)
        return op
    parts = []
    for r in (base, index):
        if r is None:
            parts.append('')
            continue
        g = gpr(r)
        if g is None or g[1] not in (8, 4):
            raise Unsandboxable(op)
        parts.append('%' + NAME32[g[0]])
    inner = parts[0]
    if index is not None:
        inner += ',' + parts[1]
        if scale:
            inner += ',' + scale
    return '%%gs:%s(%s)' % (disp, inner)


# ---------------------------------------------------------------------------
# Instruction classes

PREFIXES = {'lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'notrack',
            'data16', 'addr32', 'rex64', 'bnd', 'cs', 'ds', 'es', 'ss'}

FORBIDDEN = re.compile(
    r'^(rdtscp?|rdrand|rdseed|rdpid|rdpkru|wrpkru|pushf[wlq]?|popf[wlq]?|'
    r'enter[wlq]?|int|int1|icebp|into|iret[wlq]?|lret[wlq]?|lcall[wlq]?|'
    r'ljmp[wlq]?|sysenter|sysexit|sysret[lq]?|xlatb?|loop(n?[ez])?[wlq]?|'
    r'j[er]?cxz|in[bwl]?|out[bwl]?|ins[bwl]|outs[bwl]|cli|sti|clts|'
    r'xsave\w*|xrstor\w*|fxsave\w*|fxrstor\w*|fn?save[sl]?|frstor[sl]?|'
    r'[rw][fg]sbase[lq]?|swapgs|maskmov\w*|movdir\w*|xbegin|xend|xabort|'
    r'xtest|emms|femms|l[defgs]s[wlq]?|clflush\w*|clwb|invd|wbinvd|invlpg|'
    r'[ls][gil]dt[wlq]?|ltr|str|lmsw|smsw|monitor|mwait|vmcall|ud[01]|'
    r'arpl|bound|aa[adms]|da[as]|salc)$')

STRING_RE = re.compile(r'^(movs|cmps|stos|lods|scas)([bwlqd]?)$')
STRING_PTRS = {'movs': ('rdi', 'rsi'), 'cmps': ('rdi', 'rsi'),
               'stos': ('rdi',), 'lods': ('rsi',), 'scas': ('rdi',)}
STRING_IMPLICIT = {'(%rsi)', '%ds:(%rsi)', '(%rdi)', '%es:(%rdi)',
                   '%al', '%ax', '%eax', '%rax'}

# Instructions whose last register operand is only read.
READS_LAST = re.compile(r'^(cmp|test|bt[wlq]?$|ucomis|comis|push|ptest)')
# The %rsp re-base macro accepts these as its first (32-bit) instruction.
RSP_MACRO_OPS = {'mov': 'movl', 'add': 'addl', 'sub': 'subl', 'and': 'andl',
                 'or': 'orl'}
NOACCESS = re.compile(r'^(lea[wlq]?|nop[wlq]?)$')


def base_mnemonic(m):
    """mov for movq/movl, etc. (only for the few names we care about)."""
    for b in ('mov', 'add', 'sub', 'and', 'or', 'lea', 'xchg', 'xadd', 'cmpxchg'):
        if m == b or (m[len(b):] in ('b', 'w', 'l', 'q') and m.startswith(b)):
            return b
    return m


def split_operands(s):
    ops, depth, cur = [], 0, ''
    for ch in s:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            ops.append(cur.strip())
            cur = ''
        else:
            cur += ch
    if cur.strip():
        ops.append(cur.strip())
    return ops


def strip_comment(line):
    """Remove a '#' comment outside quotes."""
    q = False
    for i, ch in enumerate(line):
        if ch == '"':
            q = not q
        elif ch == '#' and not q:
            return line[:i]
    return line


class Rewriter:
    """Rewrites one assembly file. `asm` is 'gas' or 'llvm': the assembler
    that will assemble the output (only llvm has `.bundle_lock align_to_end`).
    `rename_r14`: map %r14 to %r11 (for compilers that cannot reserve it)."""

    def __init__(self, asm, rename_r14, tag):
        self.asm = asm
        self.rename_r14 = rename_r14
        self.tag = tag
        self.nlabel = 0
        self.out = []
        self.stats = {'ud2': 0, 'insns': 0}
        self.ud2_reasons = {}

    def label(self):
        self.nlabel += 1
        return '.Llfi_%s_%d' % (self.tag, self.nlabel)

    def emit(self, s):
        self.out.append('\t' + s)

    def ud2(self, why, text):
        self.stats['ud2'] += 1
        self.ud2_reasons[why] = self.ud2_reasons.get(why, 0) + 1
        self.emit('ud2\t\t# %s: %s' % (why, text.replace('#', '')))

    def locked(self, insns, end=False):
        if end and self.asm == 'llvm':
            self.emit('.bundle_lock align_to_end')
        else:
            self.emit('.bundle_lock')
        for i in insns:
            self.emit(i)
        self.emit('.bundle_unlock')

    def mask(self, regnum):
        r64 = GPR64[regnum]
        return ['andl %s, %%%s' % (MASK, NAME32[regnum]), 'addq %%r14, %%%s' % r64]

    def call_group(self, insns):
        """A group ending in a call: the call must end a bundle."""
        if self.asm == 'llvm':
            self.locked(insns, end=True)
        else:
            # GNU as cannot align the end of a group; the post-link pass
            # moves the call behind the NOPs that .p2align 5 leaves.
            if len(insns) == 1:
                self.emit(insns[0])
            else:
                self.locked(insns)
            self.emit('.p2align 5')

    def runtime_call(self, slot):
        lab = self.label()
        self.emit('.bundle_lock')
        self.emit('leaq %s(%%rip), %%r11' % lab)
        self.emit('jmpq *%d(%%r14)' % slot)
        self.out.append(lab + ':')
        self.emit('.bundle_unlock')

    # -- one instruction -------------------------------------------------

    def insn(self, prefixes, mnem, ops, text):
        self.stats['insns'] += 1
        try:
            self._insn(prefixes, mnem, ops, text)
        except Unsandboxable as e:
            self.ud2('unsandboxable operand %s' % e, text)

    def _insn(self, prefixes, mnem, ops, text):
        pfx = ' '.join(p for p in prefixes if p not in ('notrack', 'bnd'))
        pfx_s = pfx + ' ' if pfx else ''
        if FORBIDDEN.match(mnem) or any(p in ('cs', 'ds', 'es', 'ss', 'addr32')
                                        for p in prefixes):
            return self.ud2('forbidden', text)
        for o in ops:
            if re.search(r'%(mm\d|[yz]mm|k\d|[c-gs]s$|cr\d|dr\d|tr\d)', o) or \
                    re.match(r'%[c-gs]s$', o):
                return self.ud2('register class', text)
        if mnem.startswith('v') and not re.match(r'^(verr|verw)$', mnem):
            return self.ud2('vex/evex', text)

        # ret / leave / syscall
        if re.fullmatch(r'retq?', mnem):
            if ops:
                return self.ud2('ret imm', text)
            self.emit('popq %r11')
            self.locked(self.mask(R11) + ['jmpq *%r11'])
            return
        if re.fullmatch(r'leave[q]?', mnem):
            self.locked(['movl %ebp, %esp', 'addq %r14, %rsp'])
            self.emit('popq %rbp')
            return
        if mnem == 'syscall':
            self.runtime_call(0)
            return

        # branches
        if re.fullmatch(r'j[a-z]+', mnem) and mnem not in ('jmp', 'jmpq'):
            if len(ops) != 1 or ops[0].startswith('*'):
                return self.ud2('conditional branch operand', text)
            self.emit(text)
            return
        if re.fullmatch(r'(jmp|call)q?', mnem):
            is_call = mnem.startswith('call')
            if len(ops) != 1:
                return self.ud2('branch operands', text)
            t = ops[0]
            if not t.startswith('*'):
                if is_call:
                    self.call_group(['%s %s' % (mnem, t)])
                else:
                    self.emit(text)
                return
            t = t[1:]
            g = gpr(t)
            if g:
                if g[1] != 8 or g[0] in (RSP, R14):
                    return self.ud2('indirect branch register', text)
                reg = g[0]
                pre = []
            else:
                m = sandbox_mem(t)
                if isinstance(m, tuple):
                    return self.ud2('indirect branch through %fs', text)
                pre = ['movq %s, %%r11' % m]
                reg = R11
            for p in pre:
                self.emit(p)
            br = '%s *%%%s' % ('callq' if is_call else 'jmpq', GPR64[reg])
            if is_call:
                self.call_group(self.mask(reg) + [br])
            else:
                self.locked(self.mask(reg) + [br])
            return

        # string instructions
        sm = STRING_RE.match(mnem)
        if sm and (not ops or all(o in STRING_IMPLICIT for o in ops)) and \
                not (mnem in ('movsd', 'cmpsd') and ops):
            kind, suf = sm.groups()
            if suf == 'd':
                suf = 'l'
            if not suf:
                for o in ops:
                    g = gpr(o)
                    if g:
                        suf = {1: 'b', 2: 'w', 4: 'l', 8: 'q'}[g[1]]
                if not suf:
                    return self.ud2('string size', text)
            g = []
            for r in STRING_PTRS[kind]:
                n = REGNUM[r][0]
                g += ['movl %%%s, %%%s' % (NAME32[n], NAME32[n]),
                      'leaq (%%r14,%%%s), %%%s' % (r, r)]
            self.locked(g + [pfx_s + kind + suf])
            return

        # bt with a register bit offset into memory
        if re.match(r'^bt[src]?[wlq]?$', mnem) and len(ops) == 2 and \
                gpr(ops[0]) and is_mem(ops[1]):
            return self.ud2('bit offset into memory', text)
        if mnem.startswith('movabs') and any(is_mem(o) for o in ops):
            return self.ud2('moffs', text)

        # writes to reserved registers
        b = base_mnemonic(mnem)
        regs = [gpr(o) for o in ops]
        if b in ('xchg', 'xadd', 'cmpxchg'):
            if any(r and r[0] in (RSP, R14) for r in regs):
                return self.ud2('xchg with reserved register', text)
        last = regs[-1] if regs else None
        writes_last = last is not None and not READS_LAST.match(mnem) and \
            not (len(ops) == 1 and mnem.startswith('push'))
        if writes_last and last[0] == R14:
            return self.ud2('writes %r14', text)
        if writes_last and last[0] == RSP:
            return self.rsp_write(b, mnem, ops, text)

        # memory operands
        if NOACCESS.match(mnem):
            self.emit(text)
            return
        new_ops = []
        fs = None
        for o in ops:
            if is_mem(o):
                m = sandbox_mem(o)
                if isinstance(m, tuple):
                    fs = m[1]
                    new_ops.append('%%gs:%s(%%r11d)' % fs)
                else:
                    new_ops.append(m)
            else:
                new_ops.append(o)
        if fs is not None:
            if any(gpr(o) and gpr(o)[0] == R11 for o in ops):
                return self.ud2('%fs access with %r11', text)
            # Read the thread pointer through the runtime (slot 1 returns
            # it in %rax), then access it %gs-relative.
            self.emit('pushq %rax')
            self.runtime_call(8)
            self.emit('movq %rax, %r11')
            self.emit('popq %rax')
        self.emit(pfx_s + mnem + (' ' + ', '.join(new_ops) if new_ops else ''))

    def rsp_write(self, b, mnem, ops, text):
        if len(ops) != 2 or gpr(ops[1])[1] not in (8, 4):
            return self.ud2('writes %rsp', text)
        src = ops[0]
        if b == 'lea':
            m = MEM_RE.match(src)
            if not m or m.group('seg'):
                return self.ud2('lea into %rsp', text)
            self.locked(['leal %s, %%esp' % src, 'leaq (%rsp,%r14,1), %rsp'])
            return
        if b not in RSP_MACRO_OPS:
            return self.ud2('writes %rsp', text)
        if is_imm(src):
            s = src
        elif gpr(src):
            g = gpr(src)
            if g[1] not in (8, 4):
                return self.ud2('writes %rsp', text)
            s = '%' + NAME32[g[0]]
        else:
            s = sandbox_mem(src)
            if isinstance(s, tuple):
                return self.ud2('%fs into %rsp', text)
        self.locked(['%s %s, %%esp' % (RSP_MACRO_OPS[b], s), 'addq %r14, %rsp'])

    # -- whole file ------------------------------------------------------

    def run(self, lines):
        self.out.append('\t.bundle_align_mode 5')
        pending = []
        for raw in lines:
            line = raw.rstrip('\n')
            s = line.strip()
            if not s:
                continue
            if s.startswith('.') and not re.match(r'^\.[\w.$]+:', s):
                if s.startswith('.bundle_align_mode'):
                    continue
                self.out.append(line)
                continue
            # labels (possibly several, possibly followed by an instruction)
            while True:
                m = re.match(r'^([\w.$]+|"[^"]*"|\d+):\s*', s)
                if not m:
                    break
                self.out.append(m.group(1) + ':')
                s = s[m.end():]
            s = strip_comment(s).strip()
            if not s:
                continue
            if s.startswith('.'):
                self.out.append('\t' + s)
                continue
            for stmt in s.split(';'):
                stmt = stmt.strip()
                if not stmt:
                    continue
                if self.rename_r14:
                    stmt = re.sub(r'%r14([dwb]?)\b', r'%r11\1', stmt)
                toks = stmt.split(None, 1)
                words = [toks[0]]
                rest = toks[1] if len(toks) > 1 else ''
                while words[-1] in PREFIXES and rest:
                    t = rest.split(None, 1)
                    words.append(t[0])
                    rest = t[1] if len(t) > 1 else ''
                if words[-1] in PREFIXES:      # prefix alone on its line
                    pending += words
                    continue
                prefixes = pending + words[:-1]
                pending = []
                mnem = words[-1]
                ops = split_operands(rest)
                text = ' '.join(prefixes + [mnem]) + (' ' + rest if rest else '')
                self.insn(prefixes, mnem, ops, text)
        return '\n'.join(self.out) + '\n'


# ---------------------------------------------------------------------------
# ELF helpers and the post-link pass (GNU as output)

def elf_segments(data):
    """[(vaddr, offset, filesz, memsz, flags)] of the PT_LOAD segments."""
    if data[:4] != b'\x7fELF' or data[4] != 2:
        raise ValueError('not an ELF64 file')
    phoff, = struct.unpack_from('<Q', data, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
    segs = []
    for i in range(phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = \
            struct.unpack_from('<IIQQQQQQ', data, phoff + i * phentsize)
        if p_type == 1:
            segs.append((p_vaddr, p_offset, p_filesz, p_memsz, p_flags))
    return segs


NOPS = {
    1: '90', 2: '6690', 3: '0f1f00', 4: '0f1f4000', 5: '0f1f440000',
    6: '660f1f440000', 7: '0f1f8000000000', 8: '0f1f840000000000',
    9: '660f1f840000000000', 10: '662e0f1f840000000000',
    11: '66662e0f1f840000000000',
}


def nop_bytes(addr, n):
    """Multi-byte NOPs for [addr, addr+n) that do not cross bundles."""
    out = b''
    while n > 0:
        room = 32 - (addr % 32)
        k = min(n, 11, room)
        out += bytes.fromhex(NOPS[k])
        addr += k
        n -= k
    return out


def is_nop(b):
    i = 0
    while i < len(b) and b[i] in (0x66, 0x2e):
        i += 1
    rest = b[i:]
    return rest == b'\x90' or rest[:2] == b'\x0f\x1f'


def is_call(b):
    if b[0] == 0xe8 and len(b) == 5:
        return True
    i = 1 if b[0] in (0x41,) else 0
    return len(b) == i + 2 and b[i] == 0xff and (b[i + 1] >> 3) & 7 == 2 \
        and b[i + 1] >> 6 == 3


def disassemble(path):
    """[(addr, bytes)] of every instruction in the executable sections."""
    res = subprocess.run(['objdump', '-d', '-w', path], capture_output=True,
                         text=True, check=True)
    insns = []
    targets = set()
    for line in res.stdout.splitlines():
        m = re.match(r'^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$', line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        b = bytes.fromhex(m.group(2).replace(' ', ''))
        insns.append((addr, b))
        t = re.match(r'^(j\w+|call)\s+([0-9a-f]+)\b', m.group(3).strip())
        if t:
            targets.add(int(t.group(2), 16))
    return insns, targets


def postlink(path):
    """Move calls to the end of their bundle and merge NOP runs."""
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    segs = [s for s in elf_segments(data) if s[4] & 1]

    def off(addr):
        for va, fo, fs, _, _ in segs:
            if va <= addr < va + fs:
                return fo + addr - va
        raise ValueError('address %#x not in a file-backed code segment' % addr)

    insns, targets = disassemble(path)
    moved = merged = 0
    # 1. calls followed only by NOPs up to the bundle end
    i = 0
    while i < len(insns):
        addr, b = insns[i]
        end = addr + len(b)
        if is_call(b) and end % 32:
            j = i + 1
            ok = True
            while j < len(insns) and insns[j][0] < (end | 31) + 1:
                if not is_nop(insns[j][1]) or insns[j][0] in targets:
                    ok = False
                    break
                j += 1
            bend = (end | 31) + 1
            if ok and j > i + 1 and insns[j - 1][0] + len(insns[j - 1][1]) == bend:
                shift = bend - end
                nb = bytearray(b)
                if b[0] == 0xe8:
                    rel, = struct.unpack_from('<i', b, 1)
                    struct.pack_into('<i', nb, 1, rel - shift)
                o = off(addr)
                data[o:o + shift] = nop_bytes(addr, shift)
                data[o + shift:o + shift + len(b)] = nb
                moved += 1
                i = j
                continue
        i += 1
    with open(path, 'wb') as f:
        f.write(data)
    # 2. runs of NOPs that contain 1-byte NOPs (GNU as bundle padding)
    insns, targets = disassemble(path)
    i = 0
    while i < len(insns):
        if not is_nop(insns[i][1]):
            i += 1
            continue
        j = i + 1
        while j < len(insns) and is_nop(insns[j][1]) and insns[j][0] not in targets \
                and insns[j][0] == insns[j - 1][0] + len(insns[j - 1][1]):
            j += 1
        run = insns[i:j]
        if len(run) > 1 and any(len(b) == 1 for _, b in run):
            start = run[0][0]
            n = run[-1][0] + len(run[-1][1]) - start
            o = off(start)
            data[o:o + n] = nop_bytes(start, n)
            merged += 1
        i = j
    with open(path, 'wb') as f:
        f.write(data)
    return moved, merged


# ---------------------------------------------------------------------------
# Programs and toolchains

COMMON = ['-O2', '-fno-stack-protector', '-mno-tls-direct-seg-refs',
          '-fcf-protection=none', '-fno-asynchronous-unwind-tables',
          '-fPIE', '-w']
TOOLCHAINS = {
    # name: (compiler, flags, assembler, rename r14)
    'gcc': (['gcc'] + COMMON + ['-ffixed-r11', '-ffixed-r14'], 'gas', False),
    # the flags the reference's lfi-rewrite --flags=gcc asks for
    'gcc-a32': (['gcc'] + COMMON + ['-ffixed-r11', '-ffixed-r14',
                                    '-falign-labels=32', '-falign-functions=32'],
                'gas', False),
    # clang 14 cannot reserve registers on x86-64: %r14 is renamed to %r11
    'clang': (['clang'] + COMMON, 'llvm', True),
    # more encodings: -O3 vectorisation with SSE4.2/POPCNT (x86-64-v2)
    'gcc-v2': (['gcc'] + COMMON + ['-O3', '-march=x86-64-v2',
                                   '-ffixed-r11', '-ffixed-r14'], 'gas', False),
    'clang-v2': (['clang'] + COMMON + ['-O3', '-march=x86-64-v2'], 'llvm', True),
    'gcc-Os': (['gcc'] + COMMON + ['-Os', '-ffixed-r11', '-ffixed-r14'], 'gas', False),
}


def find_dir(src, pattern):
    d = sorted(glob.glob(os.path.join(src, pattern)))
    if not d:
        raise SystemExit('mkcorpus: %s not found under %s (run mkcorpus.sh)' % (pattern, src))
    return d[-1]


def programs(src, gen):
    """name -> (list of C files, extra flags). `gen`: a directory for
    generated headers."""
    progs = {}
    os.makedirs(gen, exist_ok=True)
    # Debian's lua5.4 patches include a header that debian/rules generates.
    with open(os.path.join(gen, 'lua5.4-deb-multiarch.h'), 'w') as f:
        f.write('#define DEB_HOST_MULTIARCH "x86_64-linux-gnu"\n')
    sq = os.path.join(src, 'sqlite3-amalgamation', 'sqlite3.c')
    progs['sqlite3'] = ([sq], [])
    lua = os.path.join(find_dir(src, 'lua5.4-*'), 'src')
    files = sorted(f for f in glob.glob(os.path.join(lua, '*.c'))
                   if os.path.basename(f) not in ('luac.c', 'onelua.c'))
    progs['lua'] = (files, ['-I' + lua, '-I' + gen, '-DLUA_USE_POSIX'])
    z = find_dir(src, 'zlib-*')
    zf = ['adler32', 'compress', 'crc32', 'deflate', 'gzclose', 'gzlib', 'gzread',
          'gzwrite', 'infback', 'inffast', 'inflate', 'inftrees', 'trees',
          'uncompr', 'zutil']
    progs['zlib'] = ([os.path.join(z, f + '.c') for f in zf], ['-I' + z])
    bz = find_dir(src, 'bzip2-*')
    bf = ['blocksort', 'huffman', 'crctable', 'randtable', 'compress',
          'decompress', 'bzlib', 'bzip2']
    progs['bzip2'] = ([os.path.join(bz, f + '.c') for f in bf],
                      ['-I' + bz, '-D_FILE_OFFSET_BITS=64'])
    # musl: the portable C sources (the per-architecture assembly files are
    # left out; what they define becomes stubs). Its inline assembly brings
    # syscall, %fs thread-pointer loads, lock prefixes and string ops.
    mu = find_dir(src, 'musl-[0-9]*')
    mg = os.path.join(src, 'musl-gen')
    files = sorted(glob.glob(os.path.join(mu, 'src', '*', '*.c')) +
                   glob.glob(os.path.join(mu, 'src', 'malloc', 'mallocng', '*.c')))
    progs['musl'] = (files, ['-std=c99', '-ffreestanding', '-nostdinc',
                             '-D_XOPEN_SOURCE=700',
                             '-I' + os.path.join(mu, 'arch', 'x86_64'),
                             '-I' + os.path.join(mu, 'arch', 'generic'),
                             '-I' + os.path.join(mg, 'obj', 'src', 'internal'),
                             '-I' + os.path.join(mu, 'src', 'include'),
                             '-I' + os.path.join(mu, 'src', 'internal'),
                             '-I' + os.path.join(mg, 'obj', 'include'),
                             '-I' + os.path.join(mu, 'include')])
    return progs


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.stderr.write('mkcorpus: command failed: %s\n%s%s' %
                         (' '.join(cmd), r.stdout, r.stderr))
        raise SystemExit(1)
    return r


def build_object(job):
    cfile, tc, flags, wdir, idx = job
    cc, asm, rename = TOOLCHAINS[tc]
    base = '%04d_%s' % (idx, os.path.splitext(os.path.basename(cfile))[0])
    s = os.path.join(wdir, base + '.s')
    ls = os.path.join(wdir, base + '.lfi.s')
    o = os.path.join(wdir, base + '.o')
    run(cc + flags + ['-S', cfile, '-o', s])
    rw = Rewriter(asm, rename, re.sub(r'\W', '_', base))
    with open(s) as f:
        text = rw.run(f)
    with open(ls, 'w') as f:
        f.write(text)
    if asm == 'gas':
        run(['as', '--64', ls, '-o', o])
    else:
        run(['clang', '-c', '-x', 'assembler', ls, '-o', o])
    return o, rw.stats, rw.ud2_reasons


def compile_all(wanted, progs, out, jobs):
    """Compile, rewrite and assemble every source of every wanted
    (program, toolchain) in one process pool, biggest files first."""
    jl = []
    for name, tc in wanted:
        files, flags = progs[name]
        wdir = os.path.join(out, 'obj', '%s-%s' % (name, tc))
        os.makedirs(wdir, exist_ok=True)
        jl += [(f, tc, flags, wdir, i) for i, f in enumerate(files)]
    order = sorted(range(len(jl)), key=lambda k: -os.path.getsize(jl[k][0]))
    results = [None] * len(jl)
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as ex:
        futs = {ex.submit(build_object, jl[k]): k for k in order}
        for fu in concurrent.futures.as_completed(futs):
            results[futs[fu]] = fu.result()
    byprog = {}
    for job, r in zip(jl, results):
        byprog.setdefault(job[3], []).append(r)
    return byprog


def build(name, tc, results, out, log):
    """Link one program from its objects (with stubs) and post-process it."""
    wdir = os.path.join(out, 'obj', '%s-%s' % (name, tc))
    objs = [r[0] for r in results]
    insns = sum(r[1]['insns'] for r in results)
    ud2 = sum(r[1]['ud2'] for r in results)
    reasons = {}
    for r in results:
        for k, v in r[2].items():
            reasons[k] = reasons.get(k, 0) + v
    # stubs for everything undefined
    defined, undef = set(), set()
    nm = run(['nm', '--format=posix'] + objs).stdout
    for line in nm.splitlines():
        p = line.split()
        if len(p) >= 2 and len(p[1]) == 1:
            (undef if p[1] in 'Uw' else defined).add(p[0])
    undef = sorted((undef - defined) | ({'_start'} - defined))
    stub = os.path.join(wdir, 'stubs.s')
    with open(stub, 'w') as f:
        f.write('\t.text\n')
        for u in undef:
            f.write('\t.p2align 5\n\t.globl %s\n\t.type %s,@function\n%s:\n\tud2\n' % (u, u, u))
    stub_o = os.path.join(wdir, 'stubs.o')
    run(['as', '--64', stub, '-o', stub_o])
    elf = os.path.join(out, '%s-%s.elf' % (name, tc))
    run(['gcc', '-nostdlib', '-static', '-no-pie', '-Wl,--no-relax',
         '-Wl,-z,noexecstack', '-Wl,--build-id=none', '-o', elf] + objs + [stub_o])
    moved = merged = 0
    if TOOLCHAINS[tc][1] == 'gas':
        moved, merged = postlink(elf)
    with open(elf, 'rb') as f:
        data = f.read()
    text = sum(s[2] for s in elf_segments(data) if s[4] & 1)
    msg = ('%s-%s: %d source insns, %d -> ud2 %s; %d stubs; %d calls moved, '
           '%d NOP runs merged; text %d bytes' %
           (name, tc, insns, ud2, reasons or '', len(undef), moved, merged, text))
    print(msg, flush=True)
    log.write(msg + '\n')
    return elf


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--src', help='directory with the sources')
    ap.add_argument('--out', help='output directory')
    ap.add_argument('--only', action='append', help='build only PROGRAM-TOOLCHAIN (for example sqlite3-gcc-v2)')
    ap.add_argument('-j', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--rewrite', nargs=2, metavar=('IN', 'OUT'),
                    help='only rewrite one .s file (gas flavour)')
    a = ap.parse_args()
    if a.rewrite:
        with open(a.rewrite[0]) as f:
            text = Rewriter('gas', False, 't').run(f)
        with open(a.rewrite[1], 'w') as f:
            f.write(text)
        return
    if not a.src or not a.out:
        ap.error('--src and --out are required')
    os.makedirs(a.out, exist_ok=True)
    progs = programs(a.src, os.path.join(a.out, 'obj', 'include'))
    wanted = [('sqlite3', 'gcc'), ('sqlite3', 'gcc-a32'), ('sqlite3', 'clang'),
              ('sqlite3', 'gcc-v2'), ('sqlite3', 'clang-v2'), ('sqlite3', 'gcc-Os'),
              ('lua', 'gcc'), ('lua', 'clang'), ('zlib', 'gcc'), ('zlib', 'clang'),
              ('bzip2', 'gcc'), ('bzip2', 'clang'), ('musl', 'gcc'), ('musl', 'clang')]
    if a.only:
        wanted = []
        for o in a.only:
            name, _, tc = o.partition('-')
            if name not in progs or tc not in TOOLCHAINS:
                ap.error('--only %s: programs are %s, toolchains %s' %
                         (o, ', '.join(progs), ', '.join(TOOLCHAINS)))
            wanted.append((name, tc))
    byprog = compile_all(wanted, progs, a.out, a.j)
    with open(os.path.join(a.out, 'BUILD.log'), 'a') as log:
        for name, tc in wanted:
            wdir = os.path.join(a.out, 'obj', '%s-%s' % (name, tc))
            build(name, tc, byprog[wdir], a.out, log)


if __name__ == '__main__':
    main()
