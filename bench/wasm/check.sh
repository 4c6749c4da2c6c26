#!/bin/sh
# Check the WebAssembly builds on node (V8) against native builds.
#
# usage: bench/wasm/check.sh [--size quick|small] [--only W1,W2] [--work DIR]
#
# Builds every benchmark program as wasm32-wasi (bench/wasm/build-wasm.sh)
# and natively with gcc/glibc (scripts/build-program.sh PKG gcc), runs every
# workload of bench/programs/run.py (its workloads(), at the given size,
# default quick) both ways, and compares stdout byte for byte
# (speedtest1: with each line's trailing timing removed, as run.py does)
# and the exit status. The wasm module runs as the harness runs it:
#   node --no-liftoff --no-wasm-lazy-compilation bench/wasm/node-run.mjs \
#       --dir T=T --dir B=B --wd T -- PROG.wasm ARGS   (cwd T, B = bench/programs)
# Prints one line per workload (with both wall times of that single run:
# rough, not a benchmark) and exits 0 only if all match.
# Work files: DIR (default bench/work/wasm): build/, native-ref/, inputs/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
size=quick only='' work=$root/bench/work/wasm
while [ $# -gt 0 ]; do
    case $1 in
    --size) size=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: check.sh [--size quick|small] [--only W1,W2] [--work DIR]" >&2; exit 2 ;;
    esac
done
command -v node >/dev/null || { echo "check: node not found" >&2; exit 1; }
mkdir -p "$work"
work=$(cd "$work" && pwd)

progs="lua:lua minigzip:zlib bzip2:bzip2 xz:xz zstd:zstd lz4:lz4 speedtest1:sqlite3"
[ -f "$root/bench/programs/crypto/crypto_bench.c" ] && progs="$progs crypto_bench:mbedtls"
failed=
for pp in $progs; do
    prog=${pp%%:*} pkg=${pp#*:}
    # Native reference first: it also makes SQLite's amalgamation.
    stamp=$work/native-ref/.built-$pkg
    deps=$root/scripts/build-program.sh
    [ "$pkg" = mbedtls ] && deps="$deps $root/bench/programs/crypto"
    # shellcheck disable=SC2086 # $deps: paths without spaces in this checkout
    if [ ! -f "$stamp" ] || [ -n "$(find $deps -newer "$stamp" -type f)" ]; then
        echo "check: building $pkg natively (gcc)"
        if sh "$root/scripts/build-program.sh" "$pkg" gcc "$work/native-ref" >/dev/null; then
            touch "$stamp"
        else
            failed="$failed $prog"; continue
        fi
    fi
    sh "$here/build-wasm.sh" "$prog" "$work/build" >/dev/null || failed="$failed $prog"
done
[ -z "$failed" ] || echo "check: FAILED to build:$failed"

status=0
python3 - "$root" "$work" "$size" "$only" "$failed" <<'EOF' || status=1
import hashlib, importlib.util, inspect, os, re, shutil, subprocess, sys, tempfile, time

root, work, size, only, failed = sys.argv[1:6]
failed = failed.split()
spec = importlib.util.spec_from_file_location('bench_run', os.path.join(root, 'bench', 'programs', 'run.py'))
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)
params = list(inspect.signature(run.workloads).parameters)
if params and params[0] == 'size':
    wl = run.workloads(size)
else:  # the older workloads(quick, inputs)
    if size != 'quick':
        sys.exit('check: this run.py knows only the quick size')
    wl = run.workloads(True, None)
if only:
    keep = only.split(',')
    wl = [w for w in wl if any(w[0].startswith(k) for k in keep)]

native = os.path.join(work, 'native-ref', 'bin')
wasm = os.path.join(work, 'build', 'bin')
progdir = os.path.join(root, 'bench', 'programs')
gen = os.path.join(root, 'tests', 'programs', 'gen_input.py')
node_run = os.path.join(root, 'bench', 'wasm', 'node-run.mjs')
compress = {'gz': ('minigzip', ['-6']), 'bz2': ('bzip2', ['-9', '-c']),
            'xz': ('xz', ['-6', '-c', '-T1']), 'zst': ('zstd', ['-9', '-c', '-T1']),
            'lz4': ('lz4', ['-9', '-c'])}
compress.update(getattr(run, 'COMPRESS', {}))
inputs = os.path.join(work, 'inputs')
os.makedirs(inputs, exist_ok=True)


def make_input(name):
    """text-BYTES[.EXT] (or the older text[.EXT], 1 MiB): generated text and
    its compressed form, made by the native build."""
    m = re.fullmatch(r'text(?:-(\d+))?(?:\.(\w+))?', name)
    if not m:
        sys.exit(f'check: unknown input {name}')
    nbytes, ext = int(m.group(1) or 1 << 20), m.group(2)
    base = os.path.join(inputs, f'text-{nbytes}')
    if not os.path.exists(base):
        subprocess.run([sys.executable, gen, 'text', str(nbytes), base + '.tmp'], check=True)
        os.replace(base + '.tmp', base)
    if not ext:
        return base
    f = f'{base}.{ext}'
    if not os.path.exists(f):
        prog, args = compress[ext]
        with open(base, 'rb') as i, open(f + '.tmp', 'wb') as o:
            subprocess.run([os.path.join(native, prog)] + args, stdin=i, stdout=o, check=True)
        os.replace(f + '.tmp', f)
    return f


timing = re.compile(rb'[0-9.]+s$', re.M)


def execute(cmd, stdin, tmp):
    for f in os.listdir(tmp):
        p = os.path.join(tmp, f)
        shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)
    fin = open(stdin, 'rb') if stdin else subprocess.DEVNULL
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdin=fin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp)
    t = time.perf_counter() - t0
    if stdin:
        fin.close()
    return r, t


bad = 0
tmp = tempfile.mkdtemp(prefix='wasm-check-')
try:
    for name, prog, args, stdin in wl:
        if prog in failed:
            print(f'FAIL {name}: {prog} did not build')
            bad += 1
            continue
        sin = make_input(stdin) if stdin else None
        rn, tn = execute([os.path.join(native, prog)] + args, sin, tmp)
        rw, tw = execute(['node', '--no-liftoff', '--no-wasm-lazy-compilation', node_run,
                          '--dir', f'{tmp}={tmp}', '--dir', f'{progdir}={progdir}', '--wd', tmp,
                          '--', os.path.join(wasm, prog + '.wasm')] + args, sin, tmp)
        on, ow = rn.stdout, rw.stdout
        if prog == 'speedtest1':
            on, ow = timing.sub(b'', on), timing.sub(b'', ow)
        what = []
        if rn.returncode != rw.returncode:
            what.append(f'exit status {rn.returncode} (native) vs {rw.returncode} (wasm)')
        if on != ow:
            what.append(f'stdout differs ({len(on)} vs {len(ow)} bytes)')
        if rn.returncode == 0 and rw.stderr.strip() and not rn.stderr.strip():
            what.append('wasm stderr: ' + rw.stderr.decode(errors='replace').strip()[-300:])
        if what:
            bad += 1
            print(f'FAIL {name}: ' + '; '.join(what))
            if rw.stderr:
                print('  wasm stderr: ' + rw.stderr.decode(errors='replace').strip()[-400:])
        else:
            print(f'ok   {name}: {len(on)} bytes, sha256 {hashlib.sha256(on).hexdigest()[:12]}; '
                  f'native {tn:.2f}s, node {tw:.2f}s ({tw / tn:.2f}x)')
        sys.stdout.flush()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print(f'check: {len(wl) - bad}/{len(wl)} workloads match' + ('' if not bad else f', {bad} FAILED'))
sys.exit(1 if bad else 0)
EOF
[ -z "$failed" ] || status=1
exit $status
