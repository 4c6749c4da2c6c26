#!/usr/bin/env python3
"""The benchmark suite: LFI against native and against WebAssembly, in one run.

usage: python3 bench/suite.py [--quick] [--only W1,W2] [--parts P1,P2] [--reps N]
                              [--variants V1,V2] [--build DIR] [--work DIR]
                              [--no-ninja] [--out FILE]

Builds what it needs (ninja -C BUILD, the programs of bench/programs/run.py
in every variant, the verifier corpus) and runs, in this order:
  programs   the real workloads (bench/programs/run.py) in the variants
             glibc, musl, lfi, lfi-stores, lfi-1t, wasm2c, v8: interleaved
             repetitions (full: 10, --quick: 3 with smaller inputs),
             medians, ratios and geometric means, outputs compared
  callgrind  instruction counts (valgrind --tool=callgrind) of every
             workload at small sizes in every variant that valgrind can run
             (--quick: one workload per program)
  size       code size (text bytes; the wasm module's code section)
  micro      verifier throughput (bench_verify), core transitions
             (bench_core), lfi-run start-up and emulated system calls
             (bench/linux/run.py)
and writes one report, bench/results/suite.md, with a chart
bench/results/suite.svg (gnuplot). --only selects workloads (prefixes, as in
run.py) for programs and callgrind; --parts selects parts. Exit status 1
when a variant gave a different answer or failed (after the report is
written), 2 on a setup error. Method: docs/benchmarks.md.
"""
import argparse
import concurrent.futures
import datetime
import hashlib
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, 'results')
PARTS = ['programs', 'callgrind', 'size', 'micro']


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


P = load('bench_programs', os.path.join(HERE, 'programs', 'run.py'))
SIZE = load('bench_size', os.path.join(HERE, 'size', 'size_report.py'))


def log(msg):
    print(f'suite: {msg}', file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, **kw).stdout.decode()


# ---- the machine -----------------------------------------------------------

def machine():
    info = {'cpu': P.cpu_model(), 'cores': os.cpu_count()}
    flags = ''
    for line in open('/proc/cpuinfo'):
        if line.startswith('flags'):
            flags = line
            break
    info['fsgsbase'] = ' fsgsbase' in flags
    info['kernel'] = os.uname().release
    try:
        info['commit'] = sh(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD']).strip()
        dirty = sh(['git', '-C', ROOT, 'status', '--porcelain', '--untracked-files=no']).strip()
        info['commit'] += ' (with uncommitted changes)' if dirty else ''
    except (subprocess.CalledProcessError, OSError):
        info['commit'] = 'unknown'
    return info


def loadavg():
    return ' '.join(open('/proc/loadavg').read().split()[:3])


# ---- programs --------------------------------------------------------------

def part_programs(a, s, variants, wl, size, reps):
    inputs = P.make_inputs(s.work, wl, s.bins['musl'])
    return P.run_timed(s, wl, variants, reps, inputs)


# ---- callgrind -------------------------------------------------------------

CG_VARIANTS = ['glibc', 'musl', 'lfi', 'lfi-stores', 'wasm2c', 'v8']
# --quick: one workload per program
CG_QUICK = ['lua-fib', 'lua-strings', 'zlib-compress', 'bzip2-decompress', 'xz-decompress',
            'zstd-compress', 'lz4-compress', 'sqlite-memdb', 'crypto-sym']
WHY_NO_FILES = ('valgrind 3.19 does not know openat2 (syscall 437): lfi-run, and the WASI '
                'layer of the wasm2c runner, open files beneath a --dir mapping with '
                'openat2(RESOLVE_BENEATH), which fails with ENOSYS under valgrind, so the '
                'sandboxed speedtest1 cannot create its database file')


# The fixed cost of starting each program (for lfi: loading and verifying
# it): the same program on (almost) no work. crypto_bench has no empty run.
STARTUP = {'lua': (['-v'], None), 'minigzip': (['-6'], '/dev/null'),
           'bzip2': (['-9', '-c'], '/dev/null'), 'xz': (['-6', '-c', '-T1'], '/dev/null'),
           'zstd': (['-9', '-c', '-T1'], '/dev/null'), 'lz4': (['-9', '-c'], '/dev/null'),
           'speedtest1': (['--size', '0', '--memdb'], None)}


def cg_workloads(only, quick):
    """Small workloads; Lua reads its script from stdin (see WHY_NO_FILES);
    a start-up row (the program on no work) before each program's rows."""
    wl = []
    for name, prog, args, stdin in P.workloads('small'):
        if prog == 'lua':
            stdin, args = args[0], ['-'] + args[1:]
        wl.append((name, prog, args, stdin))
    if only:
        wl = P.select(wl, only)
    elif quick:
        wl = [w for w in wl if w[0] in CG_QUICK]
    out, seen = [], set()
    for w in wl:
        if w[1] not in seen and w[1] in STARTUP:
            seen.add(w[1])
            a, sin = STARTUP[w[1]]
            out.append((f'start-up: {w[1]} {" ".join(a)}', w[1], a, sin))
        out.append(w)
    return out


def callgrind_one(s, v, name, prog, args, stdin, inputs):
    """(instruction count, output digest) or (None, reason)."""
    tmp = tempfile.mkdtemp(prefix='lfi-cg-')
    logf = os.path.join(tmp, '.cg.log')
    try:
        cmd = s.command(v, prog, args, tmp, files=False)  # no --dir/--wd: see WHY_NO_FILES
        env = dict(os.environ)
        if v.startswith('lfi'):
            env['LFI_NO_FSGSBASE'] = '1'  # valgrind does not decode wrgsbase
        vg = ['valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null',
              f'--log-file={logf}']
        if v == 'v8':
            vg += ['--trace-children=no']
        sin = stdin if stdin is None or os.path.isabs(stdin) else os.path.join(inputs, stdin)
        fin = open(sin, 'rb') if sin else subprocess.DEVNULL
        try:
            r = subprocess.run(vg + cmd, stdin=fin, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=tmp, env=env, timeout=900)
        except subprocess.TimeoutExpired:
            return None, 'timed out (900 s) under callgrind'
        finally:
            if sin:
                fin.close()
        text = open(logf, errors='replace').read() if os.path.exists(logf) else ''
        if r.returncode:
            err = r.stderr[-200:].decode(errors='replace').strip()
            return None, f'status {r.returncode} under callgrind: {err}'
        m = re.search(r'Collected\s*:\s*(\d+)', text)
        if not m:
            return None, 'no instruction count in the callgrind log'
        return int(m.group(1)), hashlib.sha256(P.normalise(prog, r.stdout)).hexdigest()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def part_callgrind(a, s, variants, quick):
    if not shutil.which('valgrind'):
        return None, {}, {}, 'valgrind is not installed (Debian package valgrind)'
    wl = cg_workloads(a.only, quick)
    inputs = P.make_inputs(s.work, wl, s.bins['musl'])
    cv = [v for v in CG_VARIANTS if v in variants]
    if quick and 'v8' in cv:
        cv.remove('v8')
    counts, notes, jobs = {}, {}, []
    for name, prog, args, stdin in wl:
        for v in cv:
            why = s.unavailable(v, prog)
            if why:
                notes[(name, v)] = 'not built: ' + why
            elif v in ('lfi', 'lfi-stores', 'wasm2c') and prog == 'speedtest1' and '--memdb' not in args:
                notes[(name, v)] = 'not counted (openat2, see below)'
            elif v == 'v8' and name not in CG_QUICK and not (name.startswith('start-up') and prog == 'lua'):
                notes[(name, v)] = 'not counted (V8 subset, see below)'
            else:
                jobs.append((name, v, prog, args, stdin))
    log(f'callgrind: {len(jobs)} runs, {os.cpu_count()} at a time')
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        fut = {ex.submit(callgrind_one, s, v, name, prog, args, stdin, inputs): (name, v)
               for name, v, prog, args, stdin in jobs}
        for f in concurrent.futures.as_completed(fut):
            counts[fut[f]] = f.result()
    # A different output under valgrind is not a wrong answer of the program
    # (the timed runs check those): valgrind computes x87 arithmetic in 64-bit
    # instead of 80-bit precision, and musl's printf formats floating-point
    # numbers with long double (x87) arithmetic, so printed digits change.
    # Such counts are kept and marked.
    failed = {}
    crashed = []
    for name, *_ in wl:
        ref = None
        for v in cv:
            c = counts.get((name, v))
            if c is None:
                continue
            if c[0] is None:
                if v == 'v8' and 'status -' in c[1]:  # node killed by a signal
                    notes[(name, v)] = 'node crashed'
                    crashed.append(f'{name}: {c[1][:200]}')
                else:
                    failed[(name, v)] = c[1]
                continue
            ref = ref or (v, c[1])
            if c[1] != ref[1]:
                notes[(name, v)] = f'output under valgrind differs from {ref[0]}\'s'
    for c in crashed:
        notes[('node crashed', c)] = c
    return (wl, cv), counts, notes, failed


def callgrind_table(cg, counts, notes, failed):
    """Counts and ratios; "net" ratios subtract each variant's start-up count
    of the same program (lfi: loading and verifying it) from both sides."""
    wl, cv = cg
    pairs = [(x, y) for x, y in (('lfi', 'musl'), ('lfi-stores', 'musl'), ('musl', 'glibc'),
                                 ('wasm2c', 'musl'), ('v8', 'musl'), ('lfi', 'wasm2c'))
             if x in cv and y in cv]
    net = [p for p in (('lfi', 'musl'), ('lfi-stores', 'musl'), ('wasm2c', 'musl'), ('lfi', 'wasm2c'))
           if p in pairs]
    L = ['| workload | ' + ' | '.join(f'{v} (M instr.)' for v in cv) + ' | ' +
         ' | '.join(f'{x}/{y}' for x, y in pairs) + ' | ' +
         ' | '.join(f'{x}/{y} net of start-up' for x, y in net) + ' |',
         '|---|' + '---:|' * (len(cv) + len(pairs) + len(net))]
    ratio = {p: [] for p in pairs}
    nratio = {p: [] for p in net}
    start = {}  # (program, variant) -> count
    for name, prog, *_ in wl:
        row = []
        val = {}
        up = name.startswith('start-up')
        for v in cv:
            c = counts.get((name, v))
            if (name, v) in failed:
                row.append('**FAILED**')
            elif c and c[0] is not None:
                val[v] = c[0]
                if up:
                    start[(prog, v)] = c[0]
                row.append(f'{c[0] / 1e6:,.1f}' +
                           (' ¹' if notes.get((name, v), '').startswith('output') else ''))
            else:
                row.append(notes.get((name, v), 'n/a').split(':')[0])
        for p in pairs:
            if p[0] in val and p[1] in val:
                r = val[p[0]] / val[p[1]]
                if not up:
                    ratio[p].append(r)
                row.append(f'{r:.3f}')
            else:
                row.append('n/a')
        for p in net:
            a, b = start.get((prog, p[0])), start.get((prog, p[1]))
            if up or p[0] not in val or p[1] not in val or a is None or b is None \
                    or val[p[1]] <= b:
                row.append('')
                continue
            r = (val[p[0]] - a) / (val[p[1]] - b)
            nratio[p].append(r)
            row.append(f'{r:.3f}')
        L.append(f'| {name} | ' + ' | '.join(row) + ' |')
    L.append('| **geometric mean** (workloads) | ' + ' | '.join('' for _ in cv) +
             ' | ' + ' | '.join(f'**{P.fmt(P.gmean(ratio[p]))}**' for p in pairs) +
             ' | ' + ' | '.join(f'**{P.fmt(P.gmean(nratio[p]))}**' for p in net) + ' |')
    return '\n'.join(L)


# ---- code size -------------------------------------------------------------

def leb128(d, i):
    n = shift = 0
    while True:
        b = d[i]
        i += 1
        n |= (b & 0x7f) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def wasm_code_bytes(path):
    """Size of the code section (id 10) of a WebAssembly module."""
    with open(path, 'rb') as f:
        d = f.read()
    if d[:4] != b'\0asm':
        raise ValueError(f'{path}: not a WebAssembly module')
    i = 8
    while i < len(d):
        sid = d[i]
        n, i = leb128(d, i + 1)
        if sid == 10:
            return n
        i += n
    return 0


def part_size(s, variants, programs):
    cols = [v for v in ('glibc', 'musl', 'lfi', 'lfi-stores') if v in variants]
    wasm = [v for v in ('wasm', 'wasm2c') if any(x in variants for x in P.WASM_VARIANTS)]
    L = ['| program | ' + ' | '.join(cols + [{'wasm': 'wasm code section',
                                              'wasm2c': 'wasm2c executable'}[w] for w in wasm]) +
         ' | lfi/musl | lfi-stores/musl | wasm2c/musl |',
         '|---|' + '---:|' * (len(cols) + len(wasm) + 3)]
    ratios = {'lfi': [], 'lfi-stores': [], 'wasm2c': []}
    for p in programs:
        val = {}
        for v in cols:
            f = s.exe(v, p)
            val[v] = SIZE.exec_bytes(f) if os.path.exists(f) else None
        if 'wasm' in wasm:
            f = os.path.join(s.work, 'programs', 'wasm', 'bin', p + '.wasm')
            val['wasm'] = wasm_code_bytes(f) if os.path.exists(f) else None
        if 'wasm2c' in wasm:
            f = os.path.join(s.work, 'programs', 'wasm2c', 'bin', p)
            val['wasm2c'] = SIZE.exec_bytes(f) if os.path.exists(f) else None
        row = [f'{val[v]:,}' if val.get(v) else 'n/a' for v in cols + wasm]
        for v in ('lfi', 'lfi-stores', 'wasm2c'):
            if val.get(v) and val.get('musl'):
                ratios[v].append(val[v] / val['musl'])
                row.append(f'{val[v] / val["musl"]:.3f}')
            else:
                row.append('n/a')
        L.append(f'| {p} | ' + ' | '.join(row) + ' |')
    L.append('| **geometric mean** | ' + ' | '.join('' for _ in cols + wasm) + ' | ' +
             ' | '.join(f'**{P.fmt(P.gmean(ratios[v]))}**' for v in ('lfi', 'lfi-stores', 'wasm2c'))
             + ' |')
    return '\n'.join(L)


# ---- micro benchmarks --------------------------------------------------------

def part_micro(a, build, quick):
    out = {}
    reps = a.reps
    corpus = os.path.join(HERE, 'work', 'corpus')
    t0 = time.time()
    if not os.path.exists(os.path.join(corpus, 'COMPLETE')):
        log('building the verifier corpus (bench/verify/mkcorpus.sh)')
        subprocess.run(['sh', os.path.join(HERE, 'verify', 'mkcorpus.sh')], check=True,
                       stdout=subprocess.DEVNULL)
    elfs = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith('.elf'))
    n = reps or (5 if quick else 20)
    cmd = [os.path.join(build, 'bench', 'bench_verify'), '--markdown', '--no-zydis', '-n', str(n)]
    log('verifier throughput: ' + ' '.join(cmd[1:]) + ' corpus/*.elf')
    out['verify'] = (' '.join(['bench_verify'] + cmd[1:]) + ' bench/work/corpus/*.elf',
                     sh(cmd + elfs).strip(), time.time() - t0)
    t0 = time.time()
    # Without FSGSBASE every LFI_INVOKE sets %gs with arch_prctl twice (tens
    # of microseconds in a VM): fewer iterations keep the run short.
    r = reps or (5 if quick else 15)
    iters = '20000' if quick else '100000'
    cmd = [os.path.join(build, 'bench', 'core', 'bench_core'), '-r', str(r), '-n', iters]
    log('core runtime: ' + ' '.join(cmd[1:]))
    out['core'] = ('bench_core ' + ' '.join(cmd[1:]), sh(cmd).strip(), time.time() - t0)
    t0 = time.time()
    r = reps or (5 if quick else 20)
    cmd = [sys.executable, os.path.join(HERE, 'linux', 'run.py'), build, '--reps', str(r)]
    log('start-up and emulated system calls: bench/linux/run.py --reps ' + str(r))
    text = sh(cmd)
    table = '\n'.join(l for l in text.splitlines() if l.startswith('|'))
    out['linux'] = (f'python3 bench/linux/run.py --reps {r}', table, time.time() - t0)
    return out


def md_table_only(text):
    """The Markdown table lines of a tool's output (and its first line of text)."""
    return '\n'.join(l for l in text.splitlines() if l.startswith('|'))


def verify_summary(text):
    """The whole-corpus row of bench_verify's table, as MB/s and M insn/s."""
    for l in text.splitlines():
        if l.startswith('| **all'):
            c = [x.strip() for x in l.strip('|').split('|')]
            return c[4], c[5]
    return None, None


# ---- chart -----------------------------------------------------------------

def chart(res, svg, title):
    if not shutil.which('gnuplot'):
        return 'gnuplot is not installed: no chart'
    series = [v for v in ('glibc', 'lfi', 'lfi-stores', 'lfi-1t', 'wasm2c', 'v8') if v in res.variants]
    if 'musl' not in res.variants or not series:
        return 'no chart: the run has no musl baseline'
    tmp = tempfile.mkdtemp(prefix='lfi-suite-plot-')
    try:
        dat = os.path.join(tmp, 'ratios.dat')
        top = 0
        with open(dat, 'w') as f:
            f.write('workload ' + ' '.join(series) + '\n')
            for name, *_ in res.wl:
                base = res.med(name, 'musl')
                vals = []
                for v in series:
                    x = res.med(name, v)
                    vals.append(f'{x / base:.4f}' if x and base else '?')
                    top = max(top, x / base if x and base else 0)
                f.write(f'"{name}" ' + ' '.join(vals) + '\n')
        cap = 3.0
        yr = f'[0:{cap}]' if top > cap else '[0:*]'
        if top > cap:
            title += f' (bars above {cap:g} are cut off: see the table)'
        plot = ', '.join(f"'{dat}' using {i + 2}:xtic(1) title '{v}'" for i, v in enumerate(series))
        script = f"""
set terminal {'pngcairo size 1400,560' if svg.endswith('.png') else "svg size 1400,560 dynamic font 'sans,11' background '#ffffff'"}
set output '{svg}'
set title "{title}"
set datafile missing '?'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside top center horizontal
set ylabel 'time / time of musl (same libc, not sandboxed)'
set grid ytics
set yrange {yr}
set xtics rotate by -40 scale 0 font ',10'
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#000000'
set key autotitle columnhead
plot {plot}
"""
        with open(os.path.join(tmp, 'plot.gp'), 'w') as f:
            f.write(script)
        r = subprocess.run(['gnuplot', os.path.join(tmp, 'plot.gp')], stderr=subprocess.PIPE)
        if r.returncode:
            return 'gnuplot failed: ' + r.stderr.decode(errors='replace')[-200:]
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- main ------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true', help='3 repetitions, smaller inputs (< 5 min)')
    ap.add_argument('--only', help='workloads (prefixes, comma-separated) for programs and callgrind')
    ap.add_argument('--parts', default=','.join(PARTS), help='of ' + ','.join(PARTS))
    ap.add_argument('--reps', type=int, help='repetitions (default: full 10, quick 3)')
    ap.add_argument('--variants', default=','.join(P.VARIANTS))
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--work', default=os.path.join(HERE, 'work'))
    ap.add_argument('--no-ninja', action='store_true', help='do not run ninja -C BUILD first')
    ap.add_argument('--out', default=os.path.join(RESULTS, 'suite.md'))
    a = ap.parse_args()
    parts = a.parts.split(',')
    for p in parts:
        if p not in PARTS:
            sys.exit(f'suite: unknown part {p} ({", ".join(PARTS)})')
    variants = a.variants.split(',')
    for v in variants:
        if v not in P.VARIANTS:
            sys.exit(f'suite: unknown variant {v} ({", ".join(P.VARIANTS)})')
    if 'musl' not in variants:
        sys.exit('suite: the musl variant is the baseline of every ratio: keep it')
    quick = a.quick
    reps = a.reps or (3 if quick else 10)
    build = os.path.abspath(a.build)
    start = time.time()
    load_before = loadavg()
    info = machine()
    command = 'python3 bench/suite.py' + ''.join(' ' + shlex.quote(x) for x in sys.argv[1:])
    os.makedirs(RESULTS, exist_ok=True)

    if not a.no_ninja:
        log(f'ninja -C {build}')
        subprocess.run(['ninja', '-C', build], check=True, stdout=subprocess.DEVNULL)
    for t in ('tools/lfi-cc', 'tools/lfi-run'):
        if not os.path.exists(os.path.join(build, t)):
            sys.exit(f'suite: {build}/{t} is missing: build first (ninja -C {build})')

    size = 'quick' if quick else 'full'
    wl = P.select(P.workloads(size), a.only)
    progs = sorted({w[1] for w in wl})
    s = P.Setup(build, a.work)
    if {'programs', 'callgrind', 'size'} & set(parts):
        t0 = time.time()
        all_progs = progs if a.only else sorted(P.PROGS if os.path.exists(P.CRYPTO_DRIVER)
                                                else set(P.PROGS) - {'crypto_bench'})
        P.build_all(s, variants, all_progs if 'size' in parts else progs)
        log(f'builds: {time.time() - t0:.0f} s')
    durations = {'builds': time.time() - t0} if {'programs', 'callgrind', 'size'} & set(parts) else {}
    failed_any = False
    res = cg = None
    if 'programs' in parts:
        t0 = time.time()
        res = part_programs(a, s, variants, wl, size, reps)
        durations['programs'] = time.time() - t0
        failed_any |= bool(res.failed)
    if 'callgrind' in parts:
        t0 = time.time()
        cg, counts, cg_notes, cg_failed = part_callgrind(a, s, variants, quick)
        durations['callgrind'] = time.time() - t0
        failed_any |= bool(cg_failed)
    if 'size' in parts:
        size_table = part_size(s, variants, sorted({w[1] for w in P.workloads(size)}
                                                   if not a.only else progs))
    micro = None
    if 'micro' in parts:
        t0 = time.time()
        micro = part_micro(a, build, quick)
        durations['micro'] = time.time() - t0
    total = time.time() - start

    # ---- report ----
    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    L = [f'# LFI benchmark suite ({"quick" if quick else "full"} run)', '',
         f'- CPU: {info["cpu"]}, {info["cores"]} logical CPUs, '
         f'{"with" if info["fsgsbase"] else "without"} FSGSBASE'
         + ('' if info['fsgsbase'] else ' (the runtime sets %gs with arch_prctl at every '
            'sandbox entry and exit)') + f'; Linux {info["kernel"]}',
         f'- Date: {date}; commit {info["commit"]}',
         f'- Command: `{command}` ({total / 60:.1f} min in all: '
         + ', '.join(f'{k} {v / 60:.1f} min' for k, v in durations.items()) + ')',
         (f'- CPU time (user + system) of the timed program runs: '
          f'{sum(sum(x) for x in res.cpu.values()) / 60:.1f} min, for '
          f'{sum(len(x) for x in res.times.values())} runs' if res is not None else
          '- No timed program runs'),
         f'- Load average before the run: {load_before}; after: {loadavg()}. '
         'Other work on the machine inflates and scatters wall times: compare only numbers '
         'of one run (every ratio below is), and prefer an idle machine.',
         '- Method: [docs/benchmarks.md](../../docs/benchmarks.md#the-suite-benchsuitepy)', '']
    notes = []
    if res is not None:
        table, goals = P.programs_tables(res, quick, command)
        L += ['## Goals (issue 6)', '',
              f'Geometric means over the workloads of the ratios of median wall times '
              f'({res.reps} interleaved repetitions; a ratio below 1 means the first variant is faster).', '',
              goals, '']
        L += ['## Real workloads: wall time', '',
              f'Medians of {res.reps} interleaved repetitions (the order of the variants rotates '
              'from one workload and repetition to the next), whole process (exec, lfi-run\'s '
              'loading and verification, V8\'s compilation included). Outputs (stdout) were '
              'compared between all variants (speedtest1\'s timing column removed); '
              '**FAILED** marks a failed run or a different answer, *skipped* a variant that is '
              'unavailable (listed below).', '',
              table, '']
        err = chart(res, os.path.join(os.path.dirname(a.out), 'suite.svg'),
                    f'Wall time relative to musl (same libc, not sandboxed), {date}')
        if err:
            notes.append(err)
        else:
            L += ['![time relative to musl](suite.svg)', '']
        L += ['Variants: **glibc** gcc -O2 with Debian\'s glibc (dynamically linked); '
              '**musl** `lfi-cc --sandbox=none` (the same musl 1.2.3 and builtins as the '
              'sandboxed build, static PIE, not sandboxed); **lfi** `lfi-cc` run with `lfi-run` '
              '(which runs each program in a single-threaded box with predicted returns until it '
              'starts a thread, as zstd does: docs/toolchain.md); '
              '**lfi-stores** `lfi-cc --sandbox=stores`, `lfi-run --stores-only`; '
              '**lfi-1t** `lfi-cc --single-thread` (full sandboxing, returns as masked push + ret, one thread per box; zstd, which starts a worker thread, built as lfi), `lfi-run`; '
              '**wasm2c** the wasm32-wasi module (clang 14 -O2, wasi-libc) translated by wabt\'s '
              'wasm2c and compiled with gcc -O2 with our WASI layer; **v8** the same module on '
              'node ' + (sh(['node', '--version']).strip() if s.node else '(missing)') +
              ' with `--no-liftoff --no-wasm-lazy-compilation`: every function is compiled '
              'once by the optimising compiler (TurboFan) before the program starts, so the '
              'numbers measure optimised code and do not depend on when tier-up happens '
              '(Liftoff, the baseline compiler, would otherwise run first and lazy compilation '
              'would compile functions on their first call); the compile time is part of the '
              'wall time.', '']
        L += P.problems(s, res) or ['Outputs were identical in all variants.']
        L.append('')
    if cg is not None:
        L += ['## Instruction counts (callgrind)', '']
        if isinstance(cg, tuple):
            L += ['`valgrind --tool=callgrind` instruction counts (deterministic: the same on every '
                  'run and unaffected by other work on the machine) of the workloads at small '
                  'sizes (' + ('a subset: one per program, ' if quick and not a.only else '') +
                  'Lua reads its script from stdin). The LFI counts are of the whole `lfi-run` '
                  'process: loading and verifying the program are included: each program\'s '
                  '*start-up* row is that fixed cost (the program on empty input), and the *net* '
                  'columns subtract it on both sides. They run with `LFI_NO_FSGSBASE=1`, because valgrind\'s CPU does not '
                  'decode `wrgsbase`. Ratios compare instructions, not time.', '',
                  callgrind_table(cg, counts, cg_notes, cg_failed), '',
                  'Valgrind runs lfi-run (its large reservations, `%gs`-relative sandbox memory '
                  'operands, `arch_prctl(ARCH_SET_GS)`, the guest\'s signal handlers and fault '
                  'containment all work), except file opens: '
                  + WHY_NO_FILES + '; the Lua scripts are therefore given on stdin in every '
                  'variant, and sqlite-file is not counted for lfi, lfi-stores and wasm2c.']
            if 'v8' in variants:
                L.append('' if 'v8' in cg[1] else
                         'V8 is not counted in --quick runs.')
                L.append('V8 (node) under callgrind needs 20-30 s of CPU per run, most of it '
                         'for starting node and compiling the whole module with TurboFan before '
                         'it runs (see lua\'s start-up row, which is only that), so the full run '
                         'counts it on one workload per program. Its compiler threads are '
                         'serialised by valgrind and all counted; their counts vary slightly '
                         'from run to run.')
            diff = sorted(f'{n} in {v}' for (n, v), why in cg_notes.items() if why.startswith('output'))
            if diff:
                L.append('')
                L.append('¹ The output under valgrind differs from the first variant\'s (' +
                         ', '.join(diff) + '): valgrind computes x87 arithmetic with 64-bit '
                         'instead of 80-bit precision, and musl\'s printf formats floating-point numbers '
                         'with long double (x87) arithmetic, so the last printed digits change under '
                         'valgrind only (`string.format("%.17g", 0.1 + 0.2)` gives '
                         '0.29999999999998294); the timed runs compare the real outputs. The count '
                         'is still that of the same work.')
            L += [f'- node crashed under callgrind (killed by a signal; not counted): {why}'
                  for (n, v), why in sorted(cg_notes.items()) if n == 'node crashed']
            L += [f'- **FAILED** (callgrind): {n} in {v}: {why}' for (n, v), why in sorted(cg_failed.items())]
        else:
            L.append(f'Not measured: {cg}.')
        L.append('')
    if 'size' in parts:
        L += ['## Code size', '',
              'Bytes of executable sections (`SHF_EXECINSTR`: .init, .text, .fini, ...) of each '
              'executable; for WebAssembly the size of the module\'s code section and the text of '
              'the wasm2c executable (translated module, WASI layer and wasm-rt). The glibc '
              'builds link libc dynamically, so their text excludes libc; musl, lfi, lfi-stores '
              'and the wasm builds contain their libc.', '', size_table, '']
    if micro:
        mbs, mis = verify_summary(micro['verify'][1])
        L += ['## Micro benchmarks', '',
              f'### Verifier throughput (`{micro["verify"][0]}`)', '',
              f'Whole corpus (real compiler output, docs/benchmarks.md): **{mbs} MB/s, '
              f'{mis} M instructions/s** (goal 500 MB/s).', '',
              md_table_only(micro['verify'][1]), '',
              f'### Core runtime transitions (`{micro["core"][0]}`)', '',
              'Goals (issue 4): LFI_INVOKE round trip <= 2x a native call, runtime call <= 5 ns, '
              'callback round trip <= 10 ns, box creation <= 2 us.', '',
              md_table_only(micro['core'][1]), '',
              f'### lfi-run start-up and emulated system calls (`{micro["linux"][0]}`)', '',
              micro['linux'][1], '']
    if notes:
        L += ['## Notes', ''] + [f'- {n}' for n in notes] + ['']
    text = '\n'.join(L)
    with open(a.out, 'w') as f:
        f.write(text)
    print(text)
    log(f'wrote {a.out} ({total / 60:.1f} min)')
    return 1 if failed_any else 0


if __name__ == '__main__':
    sys.exit(main())
