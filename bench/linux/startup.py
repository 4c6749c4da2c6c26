#!/usr/bin/env python3
"""lfi-run start-up: task-clock and page faults (perf stat), interleaved.

usage: startup.py [--rounds R] [--reps K] [--prog NAME=ARGS ...]
                  LABEL=LFI_RUN [LABEL=LFI_RUN ...]

Runs every program under every given lfi-run (e.g. base=old/lfi-run
new=build/tools/lfi-run) and natively (the musl build, same libc), in R
rounds of `perf stat -r K`, the order of the variants rotating each round.
Prints per program and variant the median over the rounds of task-clock
(ms) and page faults, and the ratio to native. The programs come from
bench/work/programs (bench/programs/run.py builds them) and bench/linux's
hello (built here with build/tools/lfi-cc). Prints Markdown; writes nothing.
"""
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGS = os.path.join(ROOT, 'bench', 'work', 'programs')
DEFAULT = [('zstd', ['-V']), ('sqlite3', ['-version']), ('lua', ['-v'])]


def perf_stat(cmd, reps):
    r = subprocess.run(['perf', 'stat', '-x,', '-e', 'task-clock,page-faults', '-r', str(reps)]
                       + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit('startup.py: %s failed:\n%s' % (' '.join(cmd), r.stderr))
    vals = {}
    for line in r.stderr.splitlines():
        f = line.split(',')
        if len(f) > 3 and f[2].startswith(('task-clock', 'page-faults')):
            vals[f[2].split(':')[0]] = float(f[0])
    if len(vals) != 2:
        sys.exit('startup.py: cannot read perf stat output:\n' + r.stderr)
    return vals['task-clock'], vals['page-faults']


def main():
    argv = sys.argv[1:]
    rounds, reps, progs, runs = 4, 5, [], []
    while argv:
        a = argv.pop(0)
        if a == '--rounds':
            rounds = int(argv.pop(0))
        elif a == '--reps':
            reps = int(argv.pop(0))
        elif a == '--prog':
            name, _, args = argv.pop(0).partition('=')
            progs.append((name, args.split()))
        elif '=' in a:
            runs.append(tuple(a.split('=', 1)))
        else:
            sys.exit(__doc__)
    if not runs:
        sys.exit(__doc__)
    tmp = tempfile.mkdtemp(prefix='lfi-startup-')
    cc = os.path.join(ROOT, 'build', 'tools', 'lfi-cc')
    hello = {}
    for v, extra in (('native', ['--sandbox=none']), ('lfi', [])):
        hello[v] = os.path.join(tmp, 'hello-' + v)
        subprocess.run([cc, '-O2'] + extra + [os.path.join(HERE, 'hello.c'), '-o', hello[v]],
                       check=True)
    cases = []
    for name, args in progs or DEFAULT:
        cases.append((name + ' ' + ' '.join(args), os.path.join(PROGS, 'lfi', 'bin', name),
                      os.path.join(PROGS, 'musl', 'bin', name), args))
    cases.append(('hello', hello['lfi'], hello['native'], []))
    variants = ['native'] + [label for label, _ in runs]
    res = {(c[0], v): [] for c in cases for v in variants}
    for r in range(rounds):
        for name, lfi, native, args in cases:
            order = variants[r % len(variants):] + variants[:r % len(variants)]
            for v in order:
                if v == 'native':
                    cmd = [native] + args
                else:
                    cmd = [dict(runs)[v], lfi] + args
                res[(name, v)].append(perf_stat(cmd, reps))
    subprocess.run(['rm', '-rf', tmp])
    print('%d rounds x perf stat -r %d; medians over the rounds; ratio = task-clock / native\n'
          % (rounds, reps))
    print('| program | ' + ' | '.join(variants) + ' |')
    print('|---|' + '---:|' * len(variants))
    for name, _, _, _ in cases:
        nat = statistics.median(t for t, _ in res[(name, 'native')])
        cells = []
        for v in variants:
            t = statistics.median(x for x, _ in res[(name, v)])
            pf = statistics.median(y for _, y in res[(name, v)])
            cells.append('%.2f ms, %d faults%s' % (t, pf, '' if v == 'native'
                                                    else ' (%.1fx)' % (t / nat)))
        print('| %s | %s |' % (name, ' | '.join(cells)))


if __name__ == '__main__':
    main()
