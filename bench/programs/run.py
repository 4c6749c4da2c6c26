#!/usr/bin/env python3
"""Real workloads: LFI against native, in one run.

usage: run.py [--quick] [--reps N] [--build DIR] [--work DIR] [--only W1,W2]
              [--variants V1,V2] [--out FILE]

Builds the Debian programs (scripts/build-program.sh) as
  glibc       gcc, glibc (what users compare against)
  musl        lfi-cc --sandbox=none: the same musl and builtins as the
              sandboxed build, not sandboxed ("native, same libc")
  lfi         lfi-cc: sandboxed (full: loads, stores, control flow)
  lfi-stores  lfi-cc --sandbox=stores for the program (its libc stays
              fully sandboxed), run with lfi-run --stores-only
and runs every workload in every variant, interleaved, --reps times
(default 10; --quick: 3 repetitions and smaller inputs). Outputs are
compared between variants: a different answer fails the run. Reports
medians and ratios (all taken in this run) as a Markdown table.
"""
import argparse
import hashlib
import math
import os
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


def cpu_model():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return 'unknown CPU'


def build(build_dir, variant, cc, programs, work):
    out = os.path.join(work, 'programs', variant)
    lfi_cc = os.path.join(build_dir, 'tools', 'lfi-cc')
    for p in programs:
        stamp = os.path.join(out, '.built-' + p)
        if os.path.exists(stamp) and os.path.getmtime(stamp) > os.path.getmtime(lfi_cc):
            continue
        print(f'bench: building {p} ({variant})', file=sys.stderr)
        env = dict(os.environ, PATH=os.path.join(build_dir, 'tools') + ':' + os.environ['PATH'])
        r = subprocess.run(['sh', os.path.join(ROOT, 'scripts', 'build-program.sh'), p, cc, out],
                           env=env, stdout=subprocess.DEVNULL)
        if r.returncode:
            sys.exit(f'bench: building {p} ({variant}) failed')
        open(stamp, 'w').close()
    return os.path.join(out, 'bin')


def workloads(quick, inputs):
    q = quick
    lua = os.path.join(HERE, 'lua')
    w = [
        ('lua-fib', 'lua', [f'{lua}/fib.lua', '27' if q else '32'], None),
        ('lua-binary-trees', 'lua', [f'{lua}/binary_trees.lua', '13' if q else '15'], None),
        ('lua-nbody', 'lua', [f'{lua}/nbody.lua', '100000' if q else '500000'], None),
        ('lua-spectral-norm', 'lua', [f'{lua}/spectral_norm.lua', '250' if q else '700'], None),
        ('lua-fannkuch', 'lua', [f'{lua}/fannkuch.lua', '9' if q else '10'], None),
        ('lua-strings', 'lua', [f'{lua}/strings.lua', '100000' if q else '400000'], None),
        ('zlib-compress', 'minigzip', ['-6'], 'text'),
        ('zlib-decompress', 'minigzip', ['-d'], 'text.gz'),
        ('bzip2-compress', 'bzip2', ['-9', '-c'], 'text'),
        ('bzip2-decompress', 'bzip2', ['-d', '-c'], 'text.bz2'),
        ('xz-compress', 'xz', ['-6', '-c', '-T1'], 'text'),
        ('xz-decompress', 'xz', ['-d', '-c'], 'text.xz'),
        ('zstd-compress', 'zstd', ['-9', '-c', '-T1'], 'text'),
        ('zstd-decompress', 'zstd', ['-d', '-c'], 'text.zst'),
        ('lz4-compress', 'lz4', ['-9', '-c'], 'text'),
        ('lz4-decompress', 'lz4', ['-d', '-c'], 'text.lz4'),
        ('sqlite-memdb', 'speedtest1', ['--size', '10' if q else '40', '--memdb'], None),
        ('sqlite-file', 'speedtest1', ['--size', '5' if q else '20'], None),
    ]
    return w


def make_inputs(work, quick, native_bin):
    d = os.path.join(work, 'inputs-quick' if quick else 'inputs')
    os.makedirs(d, exist_ok=True)
    text = os.path.join(d, 'text')
    if not os.path.exists(text):
        subprocess.run([sys.executable, GEN, 'text', str(8 << 20 if quick else 40 << 20), text],
                       check=True)
    for ext, prog, args in (('gz', 'minigzip', ['-6']), ('bz2', 'bzip2', ['-9', '-c']),
                            ('xz', 'xz', ['-6', '-c']), ('zst', 'zstd', ['-9', '-c']),
                            ('lz4', 'lz4', ['-9', '-c'])):
        f = f'{text}.{ext}'
        if not os.path.exists(os.path.join(native_bin, prog)):
            continue  # that program is not part of this run
        if not os.path.exists(f):
            with open(text, 'rb') as i, open(f, 'wb') as o:
                subprocess.run([os.path.join(native_bin, prog)] + args, stdin=i, stdout=o,
                               check=True)
    return d


TIMING = re.compile(rb'[0-9.]+s$', re.M)


def run_one(variant, bins, runner, prog, args, stdin, tmp):
    exe = os.path.join(bins[variant], prog)
    cmd = [exe] + args
    if variant.startswith('lfi'):
        opts = ['--dir', f'{tmp}={tmp}', '--dir', f'{HERE}={HERE}:ro', '--wd', tmp]
        if variant == 'lfi-stores':
            opts.append('--stores-only')
        cmd = [runner] + opts + ['--'] + cmd
    for f in os.listdir(tmp):  # speedtest1's database file
        os.unlink(os.path.join(tmp, f))
    fin = open(stdin, 'rb') if stdin else subprocess.DEVNULL
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdin=fin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp)
    t = time.perf_counter() - t0
    if stdin:
        fin.close()
    if r.returncode:
        sys.exit(f'bench: {" ".join(cmd)} failed ({r.returncode}): {r.stderr[-400:].decode(errors="replace")}')
    out = TIMING.sub(b'', r.stdout) if prog == 'speedtest1' else r.stdout
    return t, hashlib.sha256(out).hexdigest()


def gmean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float('nan')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--reps', type=int)
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--work', default=os.path.join(ROOT, 'bench', 'work'),
                    help='where builds and inputs are cached (default bench/work); use one per build dir')
    ap.add_argument('--only')
    ap.add_argument('--variants', default='glibc,musl,lfi,lfi-stores')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results', 'programs.md'))
    a = ap.parse_args()
    reps = a.reps or (3 if a.quick else 10)
    build_dir = os.path.abspath(a.build)
    work = os.path.abspath(a.work)
    runner = os.path.join(build_dir, 'tools', 'lfi-run')
    ccs = {'glibc': 'gcc', 'musl': 'lfi-cc --sandbox=none', 'lfi': 'lfi-cc',
           'lfi-stores': 'lfi-cc --sandbox=stores'}
    variants = a.variants.split(',')
    wl = workloads(a.quick, None)
    if a.only:
        keep = a.only.split(',')
        wl = [w for w in wl if any(w[0].startswith(k) for k in keep)]
    progs = {'lua': 'lua', 'minigzip': 'zlib', 'bzip2': 'bzip2', 'xz': 'xz', 'zstd': 'zstd',
             'lz4': 'lz4', 'speedtest1': 'sqlite3'}
    need = sorted({progs[w[1]] for w in wl})
    bins = {v: build(build_dir, v, ccs[v], need, work) for v in variants}
    inputs = make_inputs(work, a.quick, bins['musl' if 'musl' in bins else variants[0]])
    tmp = tempfile.mkdtemp(prefix='lfi-bench-')
    times = {(w[0], v): [] for w in wl for v in variants}
    digests = {}
    try:
        for rep in range(reps):
            print(f'bench: repetition {rep + 1}/{reps}', file=sys.stderr)
            for name, prog, args, stdin in wl:
                order = variants if rep % 2 == 0 else variants[::-1]
                for v in order:
                    sin = os.path.join(inputs, stdin) if stdin else None
                    t, h = run_one(v, bins, runner, prog, args, sin, tmp)
                    times[(name, v)].append(t)
                    if digests.setdefault(name, (v, h))[1] != h:
                        sys.exit(f'bench: {name}: output of {v} differs from {digests[name][0]}')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = {k: statistics.median(x) for k, x in times.items()}
    pairs = [(v, b) for v, b in (('lfi', 'musl'), ('lfi', 'glibc'), ('lfi-stores', 'musl'),
                                 ('musl', 'glibc')) if v in variants and b in variants]
    lines = [f'# Real workloads: LFI against native ({"quick" if a.quick else "full"} run)', '',
             f'CPU: {cpu_model()}, {os.cpu_count()} cores. Command: `python3 bench/programs/run.py'
             f'{" --quick" if a.quick else ""}`, {reps} interleaved repetitions, medians of wall time;'
             ' every ratio is taken within this run. Outputs were identical in all variants.', '',
             '| workload | ' + ' | '.join(f'{v} (s)' for v in variants) + ' | ' +
             ' | '.join(f'{x}/{y}' for x, y in pairs) + ' |',
             '|---|' + '---:|' * (len(variants) + len(pairs))]
    ratios = {p: [] for p in pairs}
    for name, *_ in wl:
        row = [f'{med[(name, v)]:.3f}' for v in variants]
        for p in pairs:
            r = med[(name, p[0])] / med[(name, p[1])]
            ratios[p].append(r)
            row.append(f'{r:.3f}')
        lines.append(f'| {name} | ' + ' | '.join(row) + ' |')
    lines.append('| **geometric mean** | ' + ' | '.join('' for _ in variants) + ' | ' +
                 ' | '.join(f'**{gmean(ratios[p]):.3f}**' for p in pairs) + ' |')
    text = '\n'.join(lines) + '\n'
    print(text)
    if a.out:
        with open(a.out, 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
