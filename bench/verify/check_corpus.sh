#!/bin/sh
# Test: every ELF of the benchmark corpus is accepted by lfi-verify, in full
# and in stores-only mode (the -a32 variant also with --aligned-targets).
# Exit 77 (skip) when the corpus is not built.
#   check_corpus.sh LFI_VERIFY CORPUS_DIR
set -u
verify=$1
dir=$2
if [ ! -f "$dir/COMPLETE" ]; then
    echo "SKIP: no corpus in $dir (build it with: sh bench/verify/mkcorpus.sh)"
    exit 77
fi
n=0
fail=0
for f in "$dir"/*.elf; do
    [ -f "$f" ] || continue
    modes="full stores"
    # built with -falign-labels=32: must also pass the reference's rule
    case $f in *-a32.elf) modes="$modes aligned" ;; esac
    for mode in $modes; do
        n=$((n + 1))
        if [ "$mode" = aligned ]; then
            set -- --aligned-targets
        else
            set -- -s "$mode"
        fi
        if out=$("$verify" "$@" "$f" 2>&1); then
            echo "ok   $mode $out"
        else
            echo "FAIL $mode $out"
            fail=$((fail + 1))
        fi
    done
done
if [ $n -eq 0 ]; then
    echo "FAIL: $dir has no .elf files"
    exit 1
fi
echo "$((n - fail)) of $n verifications passed"
[ $fail -eq 0 ]
