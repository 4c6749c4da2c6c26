#!/usr/bin/env python3
"""Start-up and emulated system calls: lfi-run against native, in one run.

usage: run.py [BUILDDIR] [--reps N]

Builds bench/linux/hello.c and sysloop.c with lfi-cc (sandboxed) and with
lfi-cc --sandbox=none (native, same musl), then times, interleaved:
  start-up: `lfi-run hello` against executing the native hello;
  syscalls: 200,000 getppid() and 1-byte write()s to /dev/null.
Prints medians and ratios (Markdown) and writes bench/results/linux.md.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    reps = 20
    if '--reps' in sys.argv:
        reps = int(sys.argv[sys.argv.index('--reps') + 1])
    build = os.path.abspath(args[0] if args else os.path.join(ROOT, 'build'))
    cc, run = os.path.join(build, 'tools', 'lfi-cc'), os.path.join(build, 'tools', 'lfi-run')
    tmp = tempfile.mkdtemp(prefix='lfi-bench-linux-')
    exe = {}
    for prog in ('hello', 'sysloop'):
        for v, extra in (('native', ['--sandbox=none']), ('lfi', [])):
            out = os.path.join(tmp, f'{prog}-{v}')
            subprocess.run([cc, '-O2'] + extra + [os.path.join(HERE, prog + '.c'), '-o', out],
                           check=True)
            exe[(prog, v)] = out
    n = 200000
    cases = [('start-up (hello)', 'hello', [], 1),
             (f'getppid x {n}', 'sysloop', ['getppid', str(n)], n),
             (f'write 1 byte x {n}', 'sysloop', ['write', str(n)], n)]
    t = {(c[0], v): [] for c in cases for v in ('native', 'lfi')}
    with open(os.devnull, 'wb') as null:
        for r in range(reps):
            for name, prog, a, _ in cases:
                for v in (('native', 'lfi') if r % 2 == 0 else ('lfi', 'native')):
                    cmd = [exe[(prog, v)]] + a
                    if v == 'lfi':
                        cmd = [run, '--'] + cmd
                    t0 = time.perf_counter()
                    subprocess.run(cmd, stdout=null, stderr=null, check=True)
                    t[(name, v)].append(time.perf_counter() - t0)
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo')
                if l.startswith('model name')), 'unknown CPU')
    lines = ['# lfi-run start-up and emulated system calls', '',
             f'CPU: {cpu}. Command: `python3 bench/linux/run.py`, {reps} interleaved repetitions,'
             ' medians of wall time (whole process, including exec); ratios from this run.', '',
             '| case | native | lfi-run | ratio | per call (lfi-run, native) |', '|---|---:|---:|---:|---:|']
    for name, _, _, calls in cases:
        a, b = statistics.median(t[(name, 'native')]), statistics.median(t[(name, 'lfi')])
        per = f'{b / calls * 1e9:.0f} ns, {a / calls * 1e9:.0f} ns' if calls > 1 else ''
        lines.append(f'| {name} | {a * 1e3:.2f} ms | {b * 1e3:.2f} ms | {b / a:.2f} | {per} |')
    text = '\n'.join(lines) + '\n'
    print(text)
    with open(os.path.join(ROOT, 'bench', 'results', 'linux.md'), 'w') as f:
        f.write(text)
    subprocess.run(['rm', '-rf', tmp])


if __name__ == '__main__':
    main()
