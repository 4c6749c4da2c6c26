#!/usr/bin/env python3
"""Real workloads: LFI against native and against WebAssembly, in one run.

usage: run.py [--quick] [--reps N] [--build DIR] [--work DIR] [--only W1,W2]
              [--variants V1,V2] [--out FILE]

Builds the Debian programs (scripts/build-program.sh) as
  glibc       gcc, glibc (what users compare against)
  musl        lfi-cc --sandbox=none: the same musl and builtins as the
              sandboxed build, not sandboxed ("native, same libc")
  lfi         lfi-cc: sandboxed (full: loads, stores, control flow)
  lfi-stores  lfi-cc --sandbox=stores for the program (its libc stays
              fully sandboxed), run with lfi-run --stores-only
  lfi-1t      lfi-cc --single-thread (full sandboxing; returns as push +
              ret, one thread per box) against build/sysroot-1t; programs
              that start threads (zstd, whose -T1 runs one worker thread)
              are built as in lfi
  wasm2c      the program as wasm32-wasi (bench/wasm/build-wasm.sh),
              translated to C by wasm2c and compiled with gcc -O2
              (bench/wasm/wasm2c/build.sh)
  v8          the same module on node's V8 (bench/wasm/node-run.mjs,
              node --no-liftoff --no-wasm-lazy-compilation)
and runs every workload in every variant, interleaved, --reps times
(default 10; --quick: 3 repetitions and smaller inputs). Outputs are
compared between variants: a different answer (or a failed run) fails the
run (exit status 1) after the report is written. A WebAssembly variant
whose tools or module are unavailable is skipped with a note in the report.
Reports medians and ratios (all taken in this run) as a Markdown table.
bench/suite.py imports this file and runs it together with the rest.
"""
import argparse
import hashlib
import math
import os
import resource
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(ROOT, 'tests', 'programs', 'gen_input.py')
WASM = os.path.join(ROOT, 'bench', 'wasm')
BUILD_WASM = os.path.join(WASM, 'build-wasm.sh')
BUILD_WASM2C = os.path.join(WASM, 'wasm2c', 'build.sh')
NODE_RUN = os.path.join(WASM, 'node-run.mjs')
NODE_FLAGS = ['--no-liftoff', '--no-wasm-lazy-compilation']

VARIANTS = ['glibc', 'musl', 'lfi', 'lfi-stores', 'lfi-1t', 'wasm2c', 'v8']
NATIVE = ['glibc', 'musl', 'lfi', 'lfi-stores', 'lfi-1t']
WASM_VARIANTS = ['wasm2c', 'v8']
CCS = {'glibc': 'gcc', 'musl': 'lfi-cc --sandbox=none', 'lfi': 'lfi-cc',
       'lfi-stores': 'lfi-cc --sandbox=stores', 'lfi-1t': 'lfi-cc --single-thread'}
# Packages whose programs start threads in the workloads: lfi-1t builds them
# as lfi does (a single-threaded box would refuse the threads).
THREADED = {'zstd'}
# program -> Debian package (scripts/build-program.sh NAME)
PROGS = {'lua': 'lua', 'minigzip': 'zlib', 'bzip2': 'bzip2', 'xz': 'xz', 'zstd': 'zstd',
         'lz4': 'lz4', 'speedtest1': 'sqlite3', 'crypto_bench': 'mbedtls'}
CRYPTO_DRIVER = os.path.join(HERE, 'crypto', 'crypto_bench.c')

# Ratios reported (numerator, denominator), with the goal of issue 6 if any.
PAIRS = [('lfi', 'musl', 1.04), ('lfi', 'glibc', 1.05), ('lfi-stores', 'musl', 1.02),
         ('lfi-1t', 'musl', 1.04), ('lfi-1t', 'glibc', 1.05),
         ('musl', 'glibc', None), ('wasm2c', 'musl', None), ('v8', 'musl', None),
         ('lfi', 'wasm2c', 1.0), ('lfi', 'v8', 1.0), ('lfi-1t', 'wasm2c', 1.0), ('lfi-1t', 'v8', 1.0)]


def cpu_model():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return 'unknown CPU'


def log(msg):
    print(f'bench: {msg}', file=sys.stderr, flush=True)


# ---- workloads ------------------------------------------------------------

# name, program, args, stdin file (relative to the inputs directory) or None.
# Sizes: 'full' (10 reps in the full suite), 'quick' (--quick), 'small'
# (callgrind: instruction counts, ~50x slower than native).
def workloads(size='full', crypto=None):
    S = {'full': 0, 'quick': 1, 'small': 2}[size]

    def pick(full, quick, small):
        return str((full, quick, small)[S])

    K, M = 1 << 10, 1 << 20

    def text(full, quick, small, ext=''):
        """The generated text of that size, compressed with EXT's program."""
        return f'text-{(full, quick, small)[S]}' + (f'.{ext}' if ext else '')
    lua = os.path.join(HERE, 'lua')
    # Sizes: about 0.4 s (full) and 0.1 s (quick) natively with glibc on a
    # 2.1 GHz EPYC; small: a few ms.
    w = [
        ('lua-fib', 'lua', [f'{lua}/fib.lua', pick(34, 32, 22)], None),
        ('lua-binary-trees', 'lua', [f'{lua}/binary_trees.lua', pick(14, 12, 9)], None),
        ('lua-nbody', 'lua', [f'{lua}/nbody.lua', pick(450000, 150000, 10000)], None),
        ('lua-spectral-norm', 'lua', [f'{lua}/spectral_norm.lua', pick(480, 280, 60)], None),
        ('lua-fannkuch', 'lua', [f'{lua}/fannkuch.lua', pick(9, 9, 7)], None),
        ('lua-strings', 'lua', [f'{lua}/strings.lua', pick(200000, 60000, 10000)], None),
        ('zlib-compress', 'minigzip', ['-6'], text(9 * M, 3 * M, 256 * K)),
        ('zlib-decompress', 'minigzip', ['-d'], text(24 * M, 8 * M, 1 * M, 'gz')),
        ('bzip2-compress', 'bzip2', ['-9', '-c'], text(6 * M, 2 * M, 256 * K)),
        ('bzip2-decompress', 'bzip2', ['-d', '-c'], text(3 * M, 1 * M, 256 * K, 'bz2')),
        ('xz-compress', 'xz', ['-6', '-c', '-T1'], text(768 * K, 256 * K, 64 * K)),
        ('xz-decompress', 'xz', ['-d', '-c'], text(18 * M, 6 * M, 1 * M, 'xz')),
        ('zstd-compress', 'zstd', ['-9', '-c', '-T1'], text(9 * M, 3 * M, 256 * K)),
        ('zstd-decompress', 'zstd', ['-d', '-c'], text(24 * M, 8 * M, 1 * M, 'zst')),
        ('lz4-compress', 'lz4', ['-9', '-c'], text(6 * M, 2 * M, 256 * K)),
        ('lz4-decompress', 'lz4', ['-d', '-c'], text(24 * M, 8 * M, 1 * M, 'lz4')),
        ('sqlite-memdb', 'speedtest1', ['--size', pick(24, 8, 1), '--memdb'], None),
        ('sqlite-file', 'speedtest1', ['--size', pick(16, 6, 1)], None),
    ]
    if crypto is None:
        crypto = os.path.exists(CRYPTO_DRIVER)
    if crypto:
        w += [
            ('crypto-rsa', 'crypto_bench', ['rsa', pick(220, 60, 2)], None),
            ('crypto-ecc', 'crypto_bench', ['ecc', pick(140, 45, 2)], None),
            ('crypto-sym', 'crypto_bench', ['sym', pick(12, 4, 1)], None),
        ]
    return w


def select(wl, only):
    if not only:
        return wl
    keep = only.split(',')
    sel = [w for w in wl if any(w[0].startswith(k) for k in keep)]
    if not sel:
        sys.exit(f'bench: --only {only}: no such workload '
                 f'({", ".join(w[0] for w in wl)})')
    return sel


COMPRESS = {'gz': ('minigzip', ['-6']), 'bz2': ('bzip2', ['-9', '-c']),
            'xz': ('xz', ['-6', '-c', '-T1']), 'zst': ('zstd', ['-9', '-c', '-T1']),
            'lz4': ('lz4', ['-9', '-c'])}


def make_inputs(work, wl, native_bin):
    """The compressors' inputs named by the workloads (text-BYTES[.EXT]):
    prefixes of one generated text (tests/programs/gen_input.py), and their
    compressed forms made by the native build. Cached in WORK/inputs."""
    d = os.path.join(work, 'inputs')
    os.makedirs(d, exist_ok=True)
    names = sorted({w[3] for w in wl if w[3] and w[3].startswith('text-')})
    if not names:
        return d
    sizes = {int(n.split('.')[0][5:]) for n in names}
    big = os.path.join(d, f'text-{max(sizes)}')
    for n in sizes:
        f = os.path.join(d, f'text-{n}')
        if os.path.exists(f):
            continue
        if not os.path.exists(big):
            log(f'generating {max(sizes)} bytes of text')
            subprocess.run([sys.executable, GEN, 'text', str(max(sizes)), big + '.tmp'], check=True)
            os.replace(big + '.tmp', big)
        if f != big:
            with open(big, 'rb') as i, open(f + '.tmp', 'wb') as o:
                o.write(i.read(n))
            os.replace(f + '.tmp', f)
    for n in names:
        if '.' not in n:
            continue
        f = os.path.join(d, n)
        if os.path.exists(f):
            continue
        base, ext = n.split('.', 1)
        prog, args = COMPRESS[ext]
        with open(os.path.join(d, base), 'rb') as i, open(f + '.tmp', 'wb') as o:
            subprocess.run([os.path.join(native_bin, prog)] + args, stdin=i, stdout=o, check=True)
        os.replace(f + '.tmp', f)
    return d


# ---- building -------------------------------------------------------------

class Setup:
    """Where every variant's programs are, and why some are missing."""

    def __init__(self, build_dir, work):
        self.build_dir = os.path.abspath(build_dir)
        self.work = os.path.abspath(work)
        self.runner = os.path.join(self.build_dir, 'tools', 'lfi-run')
        self.bins = {}      # variant -> directory of executables (.wasm for v8)
        self.missing = {}   # (variant, program) -> reason;  (variant, None): whole variant
        self.node = shutil.which('node')

    def exe(self, variant, prog):
        if variant == 'v8':
            return os.path.join(self.bins['v8'], prog + '.wasm')
        return os.path.join(self.bins[variant], prog)

    def unavailable(self, variant, prog):
        return self.missing.get((variant, None)) or self.missing.get((variant, prog))

    def command(self, variant, prog, args, tmp, files=True):
        """The command line of PROG ARGS in VARIANT, run with cwd TMP; with
        FILES false the sandboxes get no directories (stdin/stdout only)."""
        exe = self.exe(variant, prog)
        if variant in ('glibc', 'musl'):
            return [exe] + args
        if variant.startswith('lfi'):
            opts = ['--dir', f'{tmp}={tmp}', '--dir', f'{HERE}={HERE}:ro', '--wd', tmp] if files else []
            if variant == 'lfi-stores':
                opts.append('--stores-only')
            return [self.runner] + opts + ['--', exe] + args
        opts = (['--dir', f'{tmp}={tmp}', '--dir', f'{HERE}={HERE}', '--wd', tmp] if files else []) + ['--']
        if variant == 'v8':
            return [self.node] + NODE_FLAGS + [NODE_RUN] + opts + [exe] + args
        return [exe] + opts + args  # wasm2c


def _stale(stamp, deps):
    if not os.path.exists(stamp):
        return True
    t = os.path.getmtime(stamp)
    return any(os.path.exists(d) and os.path.getmtime(d) > t for d in deps)


def _digest(files):
    """SHA-256 over the contents of FILES (missing ones count as empty)."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.encode() + b'\0')
        if os.path.exists(f):
            with open(f, 'rb') as x:
                h.update(hashlib.sha256(x.read()).digest())
    return h.hexdigest()


def _build_native(s, variant, programs):
    out = os.path.join(s.work, 'programs', variant)
    lfi_cc = os.path.join(s.build_dir, 'tools', 'lfi-cc')
    for p in programs:
        pkg = PROGS[p]
        stamp = os.path.join(out, '.built-' + pkg)
        # Rebuilt when the contents of lfi-cc or a sysroot's libc change (not
        # for glibc), or the crypto driver's. (Edits of build-program.sh do
        # not force a rebuild: remove work/programs to start afresh.)
        deps = [] if variant == 'glibc' else [lfi_cc] + [
            os.path.join(s.build_dir, d, 'lib', 'libc.a') for d in ('sysroot', 'sysroot-native',
                                                                     'sysroot-1t')]
        if pkg == 'mbedtls':
            deps += [CRYPTO_DRIVER, os.path.join(HERE, 'crypto', 'mbedtls_bench_config.h')]
        want = _digest(deps)
        have = open(stamp).read().strip() if os.path.exists(stamp) else None
        if have == '' and not _stale(stamp, deps):  # an empty stamp (older script)
            with open(stamp, 'w') as f:
                f.write(want + '\n')
            have = want
        if have == want and os.path.exists(os.path.join(out, 'bin', p)):
            continue
        log(f'building {pkg} ({variant})')
        env = dict(os.environ, PATH=os.path.join(s.build_dir, 'tools') + ':' + os.environ['PATH'])
        cc = CCS['lfi'] if variant == 'lfi-1t' and pkg in THREADED else CCS[variant]
        r = subprocess.run(['sh', os.path.join(ROOT, 'scripts', 'build-program.sh'), pkg,
                            cc, out], env=env, stdout=subprocess.DEVNULL)
        if r.returncode:
            sys.exit(f'bench: building {pkg} ({variant}) failed')
        with open(stamp, 'w') as f:
            f.write(want + '\n')
    s.bins[variant] = os.path.join(out, 'bin')


def _wasm_build(kind, cmd, out_file, failed, deps):
    """Runs a WebAssembly build script (each one skips work that is up to
    date); a failure is remembered in FAILED until a dependency changes.
    Returns None or the reason it failed."""
    if not _stale(failed, deps):
        return open(failed).read().strip()
    log(f'{kind}: ' + ' '.join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode or not os.path.exists(out_file):
        why = r.stdout.decode(errors='replace').strip().splitlines()
        reason = (f'`{os.path.relpath(cmd[1], ROOT)} {os.path.basename(cmd[2])}` failed: '
                  + (why[-1] if why else f'status {r.returncode}'))[:300]
        log(reason)
        os.makedirs(os.path.dirname(failed), exist_ok=True)
        with open(failed, 'w') as f:
            f.write(reason + '\n')
        return reason
    if os.path.exists(failed):
        os.unlink(failed)
    return None


def _files(d):
    out = []
    for dp, _, fs in os.walk(d):
        out += [os.path.join(dp, f) for f in fs]
    return out


def _build_wasm(s, programs):
    """PROG.wasm for every program; returns the directory or None."""
    out = os.path.join(s.work, 'programs', 'wasm')
    if not os.path.exists(BUILD_WASM):
        return None, 'bench/wasm/build-wasm.sh does not exist'
    deps = [BUILD_WASM] + _files(os.path.join(WASM, 'compat'))
    for p in programs:
        extra = [CRYPTO_DRIVER] if p == 'crypto_bench' else []
        why = _wasm_build('wasm', ['sh', BUILD_WASM, p, out], os.path.join(out, 'bin', p + '.wasm'),
                          os.path.join(out, '.failed-' + p), deps + extra)
        if why:
            s.missing[('wasm', p)] = why
    return os.path.join(out, 'bin'), None


def _build_wasm2c(s, programs, wasm_dir):
    out = os.path.join(s.work, 'programs', 'wasm2c')
    os.makedirs(os.path.join(out, 'bin'), exist_ok=True)
    deps = [f for f in _files(os.path.join(WASM, 'wasm2c')) if '/tests/' not in f]
    for p in programs:
        mod = os.path.join(wasm_dir, p + '.wasm')
        exe = os.path.join(out, 'bin', p)
        why = _wasm_build('wasm2c', ['sh', BUILD_WASM2C, mod, exe], exe,
                          os.path.join(out, '.failed-' + p), deps + [mod])
        if why:
            s.missing[('wasm2c', p)] = why
    s.bins['wasm2c'] = os.path.join(out, 'bin')


def build_all(s, variants, programs):
    """Builds PROGRAMS in VARIANTS; WebAssembly failures become notes."""
    for v in variants:
        if v in NATIVE:
            _build_native(s, v, programs)
    wanted = [v for v in variants if v in WASM_VARIANTS]
    if not wanted:
        return
    wasm_dir, why = _build_wasm(s, programs)
    if wasm_dir is None:
        for v in wanted:
            s.missing[(v, None)] = why
        return
    for p in programs:
        if ('wasm', p) in s.missing:
            for v in wanted:
                s.missing[(v, p)] = s.missing[('wasm', p)]
    have = [p for p in programs if ('wasm', p) not in s.missing]
    if 'v8' in wanted:
        s.bins['v8'] = wasm_dir
        if not s.node:
            s.missing[('v8', None)] = 'node is not installed'
        elif not os.path.exists(NODE_RUN):
            s.missing[('v8', None)] = 'bench/wasm/node-run.mjs does not exist'
    if 'wasm2c' in wanted:
        if not os.path.exists(BUILD_WASM2C):
            s.missing[('wasm2c', None)] = 'bench/wasm/wasm2c/build.sh does not exist'
        elif not shutil.which('wasm2c'):
            s.missing[('wasm2c', None)] = 'wasm2c (Debian package wabt) is not installed'
        else:
            _build_wasm2c(s, have, wasm_dir)


# ---- running --------------------------------------------------------------

TIMING = re.compile(rb'[0-9.]+s$', re.M)


def normalise(prog, out):
    return TIMING.sub(b'', out) if prog == 'speedtest1' else out


def clean(tmp):
    for f in os.listdir(tmp):  # speedtest1's database file
        p = os.path.join(tmp, f)
        if os.path.isdir(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


def run_one(s, variant, prog, args, stdin, tmp):
    """(wall seconds, sha256 of the output, CPU seconds (user + system, all
    threads)) or (None, error message, None)."""
    cmd = s.command(variant, prog, args, tmp)
    clean(tmp)
    fin = open(stdin, 'rb') if stdin else subprocess.DEVNULL
    u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdin=fin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp)
    t = time.perf_counter() - t0
    u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if stdin:
        fin.close()
    if r.returncode:
        return None, (f'`{" ".join(cmd)}` failed (status {r.returncode}): '
                      f'{r.stderr[-300:].decode(errors="replace").strip()}'), None
    cpu = (u1.ru_utime - u0.ru_utime) + (u1.ru_stime - u0.ru_stime)
    return t, hashlib.sha256(normalise(prog, r.stdout)).hexdigest(), cpu


class Results:
    def __init__(self, wl, variants):
        self.wl = wl
        self.variants = variants
        self.times = {(w[0], v): [] for w in wl for v in variants}
        self.cpu = {(w[0], v): [] for w in wl for v in variants}
        self.digests = {}     # workload -> (variant, digest) of the first variant
        self.failed = {}      # (workload, variant) -> message
        self.skipped = {}     # (workload, variant) -> reason (unavailable)
        self.retried = []     # node crashes that were run again
        self.reps = 0

    def med(self, name, v, cpu=False):
        t = (self.cpu if cpu else self.times).get((name, v))
        return statistics.median(t) if t and (name, v) not in self.failed else None


def run_timed(s, wl, variants, reps, inputs):
    """Every workload in every variant, interleaved, REPS times."""
    res = Results(wl, variants)
    res.reps = reps
    for name, prog, _, _ in wl:
        for v in variants:
            why = s.unavailable(v, prog)
            if why:
                res.skipped[(name, v)] = why
    tmp = tempfile.mkdtemp(prefix='lfi-bench-')
    try:
        for rep in range(reps):
            log(f'repetition {rep + 1}/{reps}')
            for i, (name, prog, args, stdin) in enumerate(wl):
                k = (rep + i) % len(variants)
                order = variants[k:] + variants[:k]  # rotate: every variant goes first in turn
                if rep % 2:
                    order = order[::-1]
                for v in order:
                    if (name, v) in res.skipped or (name, v) in res.failed:
                        continue
                    sin = os.path.join(inputs, stdin) if stdin else None
                    t, h, cpu = run_one(s, v, prog, args, sin, tmp)
                    if t is None and v == 'v8' and 'status -' in h:
                        # node itself crashed (a signal, not a status of the
                        # module): run again once and say so in the report.
                        res.retried.append(f'{name} in v8, repetition {rep + 1}: {h[h.find("failed (status"):][:160]}')
                        log(f'{name}: v8: node crashed, running it again')
                        t, h, cpu = run_one(s, v, prog, args, sin, tmp)
                    if t is None:
                        res.failed[(name, v)] = h
                        log(f'{name}: {v}: {h}')
                        continue
                    res.times[(name, v)].append(t)
                    res.cpu[(name, v)].append(cpu)
                    first = res.digests.setdefault(name, (v, h))
                    if first[1] != h:
                        res.failed[(name, v)] = f'output differs from {first[0]}\'s'
                        log(f'{name}: output of {v} differs from {first[0]}')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def gmean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def ratios(res, cpu=False):
    """{pair: {workload: ratio}} for the pairs whose variants ran (ratios of
    median wall times, or of median CPU times)."""
    out = {}
    for a, b, goal in PAIRS:
        if a not in res.variants or b not in res.variants:
            continue
        r = {}
        for name, *_ in res.wl:
            x, y = res.med(name, a, cpu), res.med(name, b, cpu)
            if x is not None and y is not None:
                r[name] = x / y
        out[(a, b, goal)] = r
    return out


def fmt(x, spec='.3f', none='n/a'):
    return none if x is None else format(x, spec)


def programs_tables(res, quick, command):
    """Markdown: per-workload medians and ratios, then geometric means."""
    V = res.variants
    R = ratios(res)
    pairs = list(R)
    L = ['| workload | ' + ' | '.join(f'{v} (s)' for v in V) + ' | ' +
         ' | '.join(f'{a}/{b}' for a, b, _ in pairs) +
         (' | LFI faster than every wasm peer? |' if any(v in V for v in WASM_VARIANTS) else ' |'),
         '|---|' + '---:|' * (len(V) + len(pairs)) +
         ('---|' if any(v in V for v in WASM_VARIANTS) else '')]
    for name, *_ in res.wl:
        row = []
        for v in V:
            if (name, v) in res.failed:
                row.append('**FAILED**')
            elif (name, v) in res.skipped:
                row.append('skipped')
            else:
                row.append(fmt(res.med(name, v)))
        row += [fmt(R[p].get(name)) for p in pairs]
        if any(v in V for v in WASM_VARIANTS):
            peers = [res.med(name, v) for v in WASM_VARIANTS if v in V]
            ran = [x for x in peers if x is not None]
            verdicts = []
            for lv in [x for x in ('lfi', 'lfi-1t') if x in V]:
                lfi = res.med(name, lv)
                if lfi is None or not ran:
                    verdicts.append(f'{lv}: n/a')
                else:
                    ok = all(lfi < x for x in ran)
                    verdicts.append(f'{lv}: ' + ('yes' if ok else '**no**'))
            row.append(', '.join(verdicts) +
                       ('' if len(ran) == len(peers) else ' (not all peers ran)'))
        L.append(f'| {name} | ' + ' | '.join(row) + ' |')
    g = ['| **geometric mean** | ' + ' | '.join('' for _ in V) + ' | ' +
         ' | '.join(f'**{fmt(gmean(list(R[p].values())))}**' for p in pairs) +
         (' | |' if any(v in V for v in WASM_VARIANTS) else ' |')]
    L += g
    # Goals next to the measured values.
    RC = ratios(res, cpu=True)
    G = ['| ratio | geometric mean | workloads | min | max | goal | met? | geometric mean of CPU time |',
         '|---|---:|---:|---:|---:|---:|---|---:|']
    for (a, b, goal) in pairs:
        xs = list(R[(a, b, goal)].values())
        gm = gmean(xs)
        if goal is None:
            met = ''
        elif a.startswith('lfi') and b in WASM_VARIANTS:
            met = ('yes' if xs and max(xs) < 1 else '**no**') + ' (on every workload: every ratio < 1)'
        else:
            met = 'yes' if gm is not None and gm <= goal else '**no**'
        goal_s = '' if goal is None else (f'< 1 on every workload' if a.startswith('lfi') and b in WASM_VARIANTS
                                          else f'<= {goal:.2f}')
        G.append(f'| {a}/{b} | {fmt(gm)} | {len(xs)} | {fmt(min(xs) if xs else None)} | '
                 f'{fmt(max(xs) if xs else None)} | {goal_s} | {met} | '
                 f'{fmt(gmean(list(RC[(a, b, goal)].values())))} |')
    return '\n'.join(L), '\n'.join(G)


def problems(s, res):
    """Markdown list of skipped and failed (workload, variant) runs."""
    L = []
    seen = set()
    for (v, p), why in sorted(s.missing.items(), key=lambda x: (x[0][0], x[0][1] or '')):
        if v == 'wasm' or (v, p) in seen:
            continue
        seen.add((v, p))
        what = f'variant {v}' if p is None else f'{v} for {p}'
        L.append(f'- skipped: {what}: {why}')
    for (name, v), why in sorted(res.failed.items()):
        L.append(f'- **FAILED**: {name} in {v}: {why}')
    for what in res.retried:
        L.append(f'- node crashed (killed by a signal) and the run was repeated once: {what}')
    return L


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--reps', type=int)
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--work', default=os.path.join(ROOT, 'bench', 'work'),
                    help='where builds and inputs are cached (default bench/work); use one per build dir')
    ap.add_argument('--only')
    ap.add_argument('--variants', default=','.join(VARIANTS))
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results', 'programs.md'))
    a = ap.parse_args()
    reps = a.reps or (3 if a.quick else 10)
    variants = a.variants.split(',')
    for v in variants:
        if v not in VARIANTS:
            sys.exit(f'bench: unknown variant {v} ({", ".join(VARIANTS)})')
    size = 'quick' if a.quick else 'full'
    wl = select(workloads(size), a.only)
    s = Setup(a.build, a.work)
    build_all(s, variants, sorted({w[1] for w in wl}))
    inputs = make_inputs(s.work, wl, s.bins['musl' if 'musl' in s.bins else variants[0]])
    res = run_timed(s, wl, variants, reps, inputs)
    table, goals = programs_tables(res, a.quick, None)
    lines = [f'# Real workloads: LFI against native and WebAssembly ({size} run)', '',
             f'CPU: {cpu_model()}, {os.cpu_count()} cores. Command: `python3 bench/programs/run.py'
             f'{" --quick" if a.quick else ""}`, {reps} interleaved repetitions, medians of wall time;'
             ' every ratio is taken within this run.', '', table, '', goals, '']
    lines += problems(s, res) or ['Outputs were identical in all variants that ran.']
    text = '\n'.join(lines) + '\n'
    print(text)
    if a.out:
        with open(a.out, 'w') as f:
            f.write(text)
    return 1 if res.failed else 0


if __name__ == '__main__':
    sys.exit(main())
