#!/bin/sh
# Meson benchmark wrapper: time the verifier on the corpus, or skip (77)
# when the corpus is not built.   run_bench.sh BENCH_VERIFY CORPUS_DIR [ARGS...]
set -u
bench=$1
dir=$2
shift 2
if [ ! -f "$dir/COMPLETE" ]; then
    echo "SKIP: no corpus in $dir (build it with: sh bench/verify/mkcorpus.sh)"
    exit 77
fi
exec "$bench" "$@" "$dir"/*.elf
