#!/bin/sh
# `make bench`: time the verifier on the benchmark corpus.
#
#   sh bench/run.sh [BUILD_DIR]      (default: build)
#
# Builds the corpus when it is missing (bench/verify/mkcorpus.sh: Debian
# source packages, compiled and rewritten into LFI form under bench/work/),
# builds bench_verify, runs it on every corpus ELF in full and stores-only
# mode, and writes the Markdown tables to bench/results/verify.md, labelled
# with the CPU model and the date. Environment: BENCH_REPS (default 20),
# BENCH_CPU (pin to that CPU with taskset). Other work on the machine skews
# the numbers: the header records the load average.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
reps=${BENCH_REPS:-20}

sh "$root/bench/verify/mkcorpus.sh"
ninja -C "$build" bench/bench_verify tools/lfi-verify >/dev/null

bench=$build/bench/bench_verify
corpus=$root/bench/work/corpus
out=$root/bench/results/verify.md
mkdir -p "$root/bench/results"

# The benchmark is single-threaded. BENCH_CPU=N pins it to CPU N (pick an
# idle one; pinning to a busy CPU makes the numbers worse, not better).
pin=""
if [ -n "${BENCH_CPU:-}" ]; then
    pin="taskset -c $BENCH_CPU"
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
fam=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mod=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9]*\).*/\1/p' /proc/cpuinfo | head -n 1)
[ -n "$fam" ] && cpu="$cpu (family $fam, model $mod${mhz:+, $mhz MHz})"
ncpu=$(nproc)
date=$(date -u +%Y-%m-%d)
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no commit")
cc=$(sed -n "s/^C compiler for the host machine: \(.*\)$/\1/p" "$build/meson-logs/meson-log.txt" 2>/dev/null | tail -n 1)
btype=$(meson introspect --buildoptions "$build" 2>/dev/null |
    python3 -c 'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}.get("buildtype", "?"))' \
    2>/dev/null || echo "?")

load=$(cut -d' ' -f1-3 /proc/loadavg)
tmp=$out.tmp
{
    echo "# Verifier throughput"
    echo
    echo "- CPU: $cpu, $ncpu logical CPUs; one thread${pin:+ ($pin)}; load average before the run: $load"
    echo "- Date: $date, commit $rev, buildtype $btype${cc:+, $cc}"
    echo "- Command: \`sh bench/run.sh\` (\`$(basename "$bench") --markdown --cpu-time -n $reps\`), median of $reps runs after 3 warm-up runs, each timed in the thread's CPU time (other work on this shared machine would otherwise dominate the wall time)"
    echo "- Input: bench/work/corpus (see docs/benchmarks.md); MB = 10^6 bytes"
    echo
    echo "## Full sandboxing (\`-s full\`)"
    echo
    $pin "$bench" --markdown --cpu-time -n "$reps" "$corpus"/*.elf
    echo
    echo "## Stores-only sandboxing (\`-s stores\`)"
    echo
    $pin "$bench" --markdown --cpu-time --no-zydis -s stores -n "$reps" "$corpus"/*.elf
    echo
    echo "## The lfi-verify tool on sqlite3-gcc.elf (\`lfi-verify -n 200\`, includes ELF parsing)"
    echo
    echo '```'
    $pin "$build/tools/lfi-verify" -n 200 "$corpus/sqlite3-gcc.elf"
    echo '```'
} >"$tmp"
mv "$tmp" "$out"
cat "$out"
echo "bench: wrote $out"
