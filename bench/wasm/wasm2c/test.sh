#!/bin/sh
# Tests for the wasm2c runner: builds tests/*.c to wasm32-wasi, runs them
# through build.sh's executables and (when bench/wasm/node-run.mjs exists)
# through node, compares stdout and exit status with each other and with the
# expected results, and checks that path escapes are refused.
# usage: sh bench/wasm/wasm2c/test.sh        (exit 0 only if every check passed)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$root/bench/work/wasm2c/test
mkdir -p "$work"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /' | head -20; }

cc="clang --target=wasm32-wasi -O2 -Wall -Werror"
cwd_obj=
if [ -f "$root/bench/wasm/compat/wasi_cwd.c" ]; then
  cwd_obj=$root/bench/wasm/compat/wasi_cwd.c # chdir($PWD) constructor, as build-wasm.sh links
fi
build_wasm() { # NAME SRC...
  n=$1
  shift
  $cc "$@" -o "$work/$n.wasm" || { bad "compile $n.wasm"; return 1; }
}
build_wasm wt "$here/tests/wt.c" $cwd_obj || exit 1
build_wasm enosys "$here/tests/enosys.c" || exit 1
build_wasm imports_env "$here/tests/imports_env.c" || exit 1

if sh "$here/build.sh" "$work/wt.wasm" "$work/wt" 2>"$work/build.log"; then ok "build.sh wt"; else bad "build.sh wt" "$(cat "$work/build.log")"; exit 1; fi
if sh "$here/build.sh" "$work/wt.wasm" "$work/wt" 2>&1 | grep -q "up to date"; then ok "build.sh cache"; else bad "build.sh cache"; fi
if sh "$here/build.sh" "$work/enosys.wasm" "$work/enosys" 2>"$work/build.log" &&
  [ "$("$work/enosys")" = "proc_raise -> 52" ]; then
  ok "unimplemented import -> ENOSYS stub"
else
  bad "unimplemented import -> ENOSYS stub" "$(cat "$work/build.log")"
fi
if sh "$here/build.sh" "$work/imports_env.wasm" "$work/imports_env" 2>"$work/build.log"; then
  bad "non-WASI import refused at build time"
elif grep -q "env.host_thing" "$work/build.log"; then
  ok "non-WASI import refused at build time"
else
  bad "non-WASI import refused at build time" "$(cat "$work/build.log")"
fi

node_run=$root/bench/wasm/node-run.mjs
have_node=0
if [ -f "$node_run" ] && command -v node >/dev/null; then have_node=1; fi
[ $have_node = 1 ] || echo "note: $node_run not found: comparing with expected outputs only"

# run_case NAME EXPECTED_STATUS EXPECTED_STDOUT_FILE|- STDIN_FILE|- DIR_SETUP OPTS... -- ARGS...
# Runs in a fresh temp dir T (the process cwd; @T@ in arguments is replaced).
# DIR_SETUP: a shell snippet run inside T first. Compares with node if present.
run_one() { # RUNNER T STDIN OUT ERR ARGS...
  r=$1 t=$2 in=$3 o=$4 e=$5
  shift 5
  if [ "$r" = w2c ]; then
    (cd "$t" && "$work/wt" "$@" <"$in" >"$o" 2>"$e")
  else
    # node-run wants -- MODULE.wasm ARGS
    for a do
      shift
      if [ "$a" = "--" ]; then set -- "$@" -- "$work/wt.wasm"; else set -- "$@" "$a"; fi
    done
    (cd "$t" && node --no-warnings "$node_run" "$@" <"$in" >"$o" 2>"$e")
  fi
}
run_case() {
  name=$1 want=$2 expect=$3 stdin=$4 setup=$5
  shift 5
  for r in w2c node; do
    [ $r = node ] && [ $have_node = 0 ] && continue
    t=$(mktemp -d "$work/case.XXXXXX")
    t=$(cd "$t" && pwd -P)
    (cd "$t" && eval "$setup")
    in=/dev/null
    [ "$stdin" != - ] && in=$stdin
    for a do
      shift
      set -- "$@" "$(printf '%s' "$a" | sed "s|@T@|$t|g")"
    done
    run_one $r "$t" "$in" "$work/$r.out" "$work/$r.err" "$@"
    st=$?
    for a do # back to the @T@ form for the next runner
      shift
      set -- "$@" "$(printf '%s' "$a" | sed "s|$t|@T@|g")"
    done
    sed "s|$t|@T@|g" "$work/$r.out" >"$work/$r.norm"
    echo $st >"$work/$r.status"
    rm -rf "$t"
  done
  st=$(cat "$work/w2c.status")
  if [ "$st" != "$want" ]; then
    bad "$name: exit status $st, expected $want" "$(cat "$work/w2c.err" "$work/w2c.out")"
    return
  fi
  if [ "$expect" != - ] && ! cmp -s "$expect" "$work/w2c.norm"; then
    bad "$name: stdout differs from expected" "$(diff "$expect" "$work/w2c.norm")"
    return
  fi
  if [ "$want" = 134 ] && [ "$(wc -l <"$work/w2c.err")" != 1 ]; then
    bad "$name: a trap must print exactly one line on stderr" "$(cat "$work/w2c.err")"
    return
  fi
  if [ $have_node = 1 ] && [ "${NODE_CMP:-1}" = 1 ]; then
    if ! cmp -s "$work/w2c.norm" "$work/node.norm" || [ "$(cat "$work/node.status")" != "$st" ]; then
      bad "$name: differs from node (status $st vs $(cat "$work/node.status"))" \
        "$(diff "$work/w2c.norm" "$work/node.norm"; cat "$work/node.err")"
      return
    fi
  fi
  ok "$name"
}

exp=$work/expect
printf 'hello, world\n' >"$exp.hello"
run_case hello 0 "$exp.hello" - : -- hello
printf 'argv[0]=wt\nargv[1]=args\nargv[2]=a b\nargv[3]=\nargv[4]=c\nW2C_TEST=yes x\n' >"$exp.args"
run_case "args and env" 0 "$exp.args" - : --env "W2C_TEST=yes x" -- args "a b" "" c
head -c 3000000 /dev/urandom >"$work/random.bin"
run_case "stdin -> stdout (3 MB binary)" 0 "$work/random.bin" "$work/random.bin" : -- cat
grep -v '^ok' >"$exp.files" <<'X'
size 8890
read 'e 1
line 2
l'
pread 'line XYZ'
dir: b.txt sub
dir: c.txt
dir:
X
NODE_CMP=1 run_case "file operations in a preopen" 0 - - : --dir @T@=@T@ -- files @T@
if grep -v '^ok' "$work/w2c.norm" | cmp -s - "$exp.files"; then ok "file operations: expected output"; else bad "file operations: expected output" "$(cat "$work/w2c.norm")"; fi
printf 'ok   symlink\nok   symlink 2\nok   readlink\nok   opendir\nentries 302, each name once: yes\n' >"$exp.many"
run_case "readdir of 300 long names, symlink, readlink" 0 "$exp.many" - : --dir @T@=@T@ -- manydir @T@
printf 'ok   relative create\nok   relative read\ngot relative\nok   relative unlink\n' >"$exp.rel"
run_case "relative paths with --wd" 0 "$exp.rel" - "mkdir -p w" --dir @T@=@T@ --wd @T@/w -- rel
run_case "relative paths, wd = host cwd" 0 "$exp.rel" - : --dir /guest=@T@ -- rel
run_case "nested preopens" 0 "$exp.rel" - "mkdir -p inner" --dir /a=@T@ --dir /a/b=@T@/inner --wd /a/b -- rel
run_case "clocks, sleep, random" 0 - - : -- clock
printf 'exiting with 7\n' >"$exp.exit"
run_case "exit status" 7 "$exp.exit" - : -- exit 7
printf 'exiting with 0\n' >"$exp.exit0"
run_case "exit 0" 0 "$exp.exit0" - : -- exit 0
printf 'before trap\n' >"$exp.trap"
for k in unreachable oob div stack; do
  run_case "trap $k -> 134" 134 "$exp.trap" - : -- trap $k
done
cat >"$exp.escape" <<'X'
ok   dotdot escape refused
ok   absolute outside refused
ok   symlink dir escape refused
ok   symlink file escape refused
ok   stat through symlink refused
ok   lstat of the link itself ok
raw ../ -> refused
raw absolute -> refused
raw symlink -> refused
raw mkdir ../ -> refused
ok   inside file opens
X
esc_setup='mkdir box && echo secret >escape-target && echo in >box/inside && ln -s .. box/link-out && ln -s "$PWD/escape-target" box/link-file'
NODE_CMP=0 run_case "path escapes refused (../, absolute, symlinks)" 0 "$exp.escape" - "$esc_setup" --dir @T@/box=@T@/box --wd @T@/box -- escape @T@/box
cat >"$exp.badptr" <<'X'
fd_write bad iovs -> 21
fd_write bad buf -> 21
random_get bad buf -> 21
path_open bad path -> 21
path_open bad result ptr -> 21
args_get bad ptr -> 21
fd_close bad fd -> 8
X
NODE_CMP=0 run_case "bad guest pointers -> EFAULT" 0 "$exp.badptr" - : --dir /x=@T@ -- badptr

echo "$pass passed, $fail failed"
[ $fail = 0 ]
