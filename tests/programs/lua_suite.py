#!/usr/bin/env python3
"""Lua's own test suite (the 5.3 one, as split into test cases by fengari's
test/test-suite/*.test.js) run natively and under lfi-run.

usage:
  lua_suite.py extract TARBALL OUTDIR
      Pull every Lua chunk out of the fengari tarball (no node needed) into
      OUTDIR/NNN.lua and OUTDIR/manifest.json; print what was skipped and why.
  lua_suite.py run OUTDIR NATIVE_LUA LFI_LUA LFI_RUN MIN_PASS [JOBS]
      Run every extracted chunk with NATIVE_LUA and with
      `LFI_RUN --dir OUTDIR=OUTDIR --wd OUTDIR -- LFI_LUA run.lua NNN.lua`;
      compare exit status, stdout and stderr byte for byte. Fails if any chunk
      behaves differently or fewer than MIN_PASS chunks pass (exit 0) in both.

Each chunk is named FILE:TEST NAME (with #K for a test's K-th chunk, and
" (N)" for the N-th test of a repeated name). It is
run through a small driver (run.lua) that loads it the way the JS test does:
luaL_loadstring's chunk name is the code itself, luaL_loadbuffer's and
luaL_loadfile's are the given name/'@'..path; the driver then tail-calls it.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tarfile
import time

SUITE = "package/test/test-suite/"


# ---- a small JavaScript tokenizer (enough for these test files) ----------

class Tok:
    __slots__ = ("kind", "val", "pos")  # kind: id num str tpl punct

    def __init__(self, kind, val, pos):
        self.kind, self.val, self.pos = kind, val, pos

    def __repr__(self):
        return f"{self.kind}:{self.val!r}"


def is_p(tok, *vals):
    """tok is the punctuator (one of) vals."""
    return tok.kind == "punct" and tok.val in vals


class Interpolated:
    """A template literal that uses ${...}: its value is not resolved."""
    def __repr__(self):
        return "<template with ${...}>"


class JSError(Exception):
    pass


SIMPLE_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
LINE_TERMS = ("\r\n", "\n", "\r", "\u2028", "\u2029")
PUNCT3 = ("===", "!==", "...", "**=", "<<=", ">>=", ">>>")
PUNCT2 = ("=>", "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=",
          "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>", "?.", "??")


def cook_escape(src, i, where):
    """src[i] is the character after a backslash. Returns (text, next index)."""
    c = src[i]
    for lt in LINE_TERMS:  # line continuation
        if src.startswith(lt, i):
            return "", i + len(lt)
    if c in SIMPLE_ESC:
        return SIMPLE_ESC[c], i + 1
    if c == "0" and not (i + 1 < len(src) and src[i + 1].isdigit()):
        return "\0", i + 1
    if c.isdigit():
        # legacy octal escapes: syntax errors in templates and strict mode
        raise JSError(f"{where}: octal escape \\{c} at offset {i}")
    if c == "x":
        h = src[i + 1:i + 3]
        if not re.fullmatch(r"[0-9A-Fa-f]{2}", h):
            raise JSError(f"{where}: bad \\x escape at offset {i}")
        return chr(int(h, 16)), i + 3
    if c == "u":
        if src.startswith("{", i + 1):
            end = src.find("}", i + 2)
            h = src[i + 2:end] if end > 0 else ""
            if not re.fullmatch(r"[0-9A-Fa-f]+", h) or int(h, 16) > 0x10FFFF:
                raise JSError(f"{where}: bad \\u{{...}} escape at offset {i}")
            return chr(int(h, 16)), end + 1
        h = src[i + 1:i + 5]
        if not re.fullmatch(r"[0-9A-Fa-f]{4}", h):
            raise JSError(f"{where}: bad \\u escape at offset {i}")
        return chr(int(h, 16)), i + 5  # may be half a surrogate pair
    return c, i + 1  # \\ \` \$ \' \" and any other character stand for themselves


def tokenize(src, where, i=0, stop_at_brace=False):
    """Tokens of src from i; with stop_at_brace, up to the '}' closing a ${.
    Returns (tokens, end index)."""
    toks, n, depth = [], len(src), 0
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            if j < 0:
                raise JSError(f"{where}: unterminated comment at offset {i}")
            i = j + 2
        elif c in "'\"":
            start, i, out = i, i + 1, []
            while True:
                if i >= n or src[i] in "\n\r":
                    raise JSError(f"{where}: unterminated string at offset {start}")
                if src[i] == c:
                    i += 1
                    break
                if src[i] == "\\":
                    t, i = cook_escape(src, i + 1, where)
                    out.append(t)
                else:
                    out.append(src[i])
                    i += 1
            toks.append(Tok("str", "".join(out), start))
        elif c == "`":
            start, i, out, interp = i, i + 1, [], False
            while True:
                if i >= n:
                    raise JSError(f"{where}: unterminated template at offset {start}")
                if src[i] == "`":
                    i += 1
                    break
                if src[i] == "\\":
                    t, i = cook_escape(src, i + 1, where)
                    out.append(t)
                elif src.startswith("${", i):
                    interp = True
                    _, i = tokenize(src, where, i + 2, stop_at_brace=True)
                elif src.startswith("\r\n", i):  # template line ends read as \n
                    out.append("\n")
                    i += 2
                elif src[i] == "\r":
                    out.append("\n")
                    i += 1
                else:
                    out.append(src[i])
                    i += 1
            toks.append(Tok("tpl", Interpolated() if interp else "".join(out), start))
        elif c.isalpha() or c in "_$":
            m = re.compile(r"[\w$]+").match(src, i)
            toks.append(Tok("id", m.group(), i))
            i = m.end()
        elif c.isdigit():
            m = re.compile(r"[0-9a-fA-FxXoObBn._]+").match(src, i)
            toks.append(Tok("num", m.group(), i))
            i = m.end()
        elif c == "/" and toks and (toks[-1].kind == "punct" and toks[-1].val in "(,=:[!&|?{};"):
            raise JSError(f"{where}: regular expression literal at offset {i} (not supported)")
        else:
            p = next((p for p in PUNCT3 + PUNCT2 if src.startswith(p, i)), c)
            if stop_at_brace:
                if p == "{":
                    depth += 1
                elif p == "}":
                    if depth == 0:
                        return toks, i + 1
                    depth -= 1
            toks.append(Tok("punct", p, i))
            i += len(p)
    if stop_at_brace:
        raise JSError(f"{where}: unterminated ${{ in a template")
    return toks, i


def to_luastring(s):
    """fengari's to_luastring: UTF-16 code units to UTF-8, lone surrogates
    as 3-byte sequences."""
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass") \
            .encode("utf-8", "surrogatepass")


# ---- resolving the chunks ------------------------------------------------

class Unresolved:
    def __init__(self, why):
        self.why = why


def match_close(toks, i):
    """toks[i] is ( [ or {: index of the matching closer."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for j in range(i, len(toks)):
        t = toks[j]
        if t.kind == "punct" and t.val in pairs:
            stack.append(pairs[t.val])
        elif t.kind == "punct" and t.val in ")]}":
            if not stack or stack.pop() != t.val:
                raise JSError(f"unbalanced {t.val} at offset {t.pos}")
            if not stack:
                return j
    raise JSError(f"unclosed {toks[i].val} at offset {toks[i].pos}")


def split_args(toks, lo, hi):
    """Arguments (token lists) between toks[lo] == '(' and toks[hi] == ')'."""
    args, cur, j = [], [], lo + 1
    while j < hi:
        t = toks[j]
        if t.kind == "punct" and t.val in "([{":
            k = match_close(toks, j)
            cur.extend(toks[j:k + 1])
            j = k + 1
            continue
        if t.kind == "punct" and t.val == ",":
            args.append(cur)
            cur = []
        else:
            cur.append(t)
        j += 1
    if cur:
        args.append(cur)
    return args


def evaluate(expr, env):
    """A JS expression made of string literals, templates, known names,
    to_luastring(...) and '+': its string value, or Unresolved."""
    if not expr:
        return Unresolved("empty expression")
    parts, j = [], 0
    while j < len(expr):
        t = expr[j]
        if t.kind in ("str", "tpl"):
            if isinstance(t.val, Interpolated):
                return Unresolved("template literal with ${...} interpolation")
            parts.append(t.val)
            j += 1
        elif t.kind == "id" and t.val == "to_luastring" and j + 1 < len(expr) \
                and is_p(expr[j + 1], "("):
            k = match_close(expr, j + 1)
            args = split_args(expr, j + 1, k)
            if len(args) != 1:
                return Unresolved("to_luastring with several arguments")
            v = evaluate(args[0], env)
            if isinstance(v, Unresolved):
                return v
            parts.append(v)
            j = k + 1
        elif t.kind == "id" and (j + 1 == len(expr) or is_p(expr[j + 1], "+")):
            v = env.get(t.val)
            if v is None:
                return Unresolved(f"unknown JS variable '{t.val}'")
            if isinstance(v, Unresolved):
                return v
            parts.append(v)
            j += 1
        elif t.kind == "punct" and t.val == "(":
            k = match_close(expr, j)
            v = evaluate(expr[j + 1:k], env)
            if isinstance(v, Unresolved):
                return v
            parts.append(v)
            j = k + 1
        else:
            return Unresolved("JS expression '" + " ".join(str(x.val) for x in expr[j:j + 4]) + "'")
        if j < len(expr):
            if expr[j].kind == "punct" and expr[j].val == "+":
                j += 1
                if j == len(expr):
                    return Unresolved("dangling '+'")
            else:
                return Unresolved(f"JS operator '{expr[j].val}'")
    return "".join(parts)


def statements(toks, lo, hi):
    """Split toks[lo:hi] at depth-0 ';' (and after a depth-0 '}' block)."""
    out, cur, j = [], [], lo
    while j < hi:
        t = toks[j]
        if t.kind == "punct" and t.val in "([{":
            k = match_close(toks, j)
            cur.extend(toks[j:k + 1])
            j = k + 1
            if t.val == "{" and (j >= hi or not is_p(toks[j], ")")):
                out.append(cur)
                cur = []
            continue
        if t.kind == "punct" and t.val == ";":
            out.append(cur)
            cur = []
        else:
            cur.append(t)
        j += 1
    if cur:
        out.append(cur)
    return [s for s in out if s]


def assign(stmt, env):
    """let/const/var NAME = EXPR, NAME = EXPR, NAME += EXPR."""
    s = stmt[1:] if stmt[0].kind == "id" and stmt[0].val in ("let", "const", "var") else stmt
    if len(s) >= 3 and s[0].kind == "id" and s[1].kind == "punct" and s[1].val in ("=", "+="):
        v = evaluate(s[2:], env)
        if s[1].val == "+=":
            old = env.get(s[0].val, Unresolved(f"'+=' to unknown '{s[0].val}'"))
            v = v if isinstance(v, Unresolved) else \
                old if isinstance(old, Unresolved) else old + v
        env[s[0].val] = v
        return True
    return False


LOADERS = {"luaL_loadstring", "luaL_loadbuffer", "luaL_loadbufferx", "luaL_loadfile",
           "luaL_loadfilex", "luaL_dostring", "luaL_dofile", "lua_load"}
JS_KEYWORDS = {"if", "while", "for", "switch", "catch", "return", "typeof", "function",
               "new", "throw", "await", "do", "else", "in", "of", "void", "delete"}
# the JS around a chunk that every plain test case has
PLAIN_CALLS = {"luaL_newstate", "luaL_openlibs", "lua_tojsstring", "lua_call", "lua_pcall",
               "to_luastring", "Error", "SyntaxError", "test", "skip"} | LOADERS


def chunk_of(call, args, env, files):
    """(code bytes, chunk name bytes, None) or (None, None, reason)."""
    def val(i):
        if i >= len(args):
            return Unresolved(f"{call} with {len(args)} arguments")
        return evaluate(args[i], env)
    if call in ("luaL_loadstring", "luaL_dostring"):
        v = val(1)
        if isinstance(v, Unresolved):
            return None, None, v.why
        b = to_luastring(v)
        return b, b, None
    if call in ("luaL_loadbuffer", "luaL_loadbufferx"):
        v, name = val(1), val(3)
        if isinstance(v, Unresolved):
            return None, None, v.why
        if isinstance(name, Unresolved):  # null: the code itself
            if len(args) > 3 and [t.val for t in args[3]] == ["null"]:
                name = v
            else:
                return None, None, "chunk name: " + name.why
        return to_luastring(v), to_luastring(name), None
    if call in ("luaL_loadfile", "luaL_loadfilex", "luaL_dofile"):
        p = val(1)
        if isinstance(p, Unresolved):
            return None, None, p.why
        base = p.rsplit("/", 1)[-1]
        if base not in files:
            return None, None, f"loads file {p}, not in the tarball"
        return files[base], ("@" + p).encode(), None
    return None, None, f"uses {call}"


LUA_SKIPS = [  # (regex on the Lua code, reason)
    (re.compile(rb"\bos\.execute\b"), "uses os.execute"),
    (re.compile(rb"\bio\.popen\b"), "uses io.popen"),
    (re.compile(rb"(?:^|[^\w.])T[.\[:(]", re.M), "uses the C API test library (ltests / T)"),
]


def extract_file(fname, src, files, chunks, skipped, nochunk):
    where = fname
    toks, _ = tokenize(src, where)
    env = {}
    tests = 0
    j = 0
    while j < len(toks):
        t = toks[j]
        # top level: test("name", () => { ... }) / test.skip(...)
        if t.kind == "id" and t.val == "test" and j + 1 < len(toks) and \
                is_p(toks[j + 1], "(", "."):
            k = j + 1
            skipped_upstream = False
            if is_p(toks[k], "."):
                skipped_upstream = toks[k + 1].kind == "id" and toks[k + 1].val == "skip"
                k += 2
            end = match_close(toks, k)
            args = split_args(toks, k, end)
            name = evaluate(args[0], {}) if args else Unresolved("no name")
            if isinstance(name, Unresolved):
                raise JSError(f"{where}: test at offset {t.pos} without a literal name")
            name = re.sub(r"^\[test-suite\]\s*", "", name)
            tests += 1
            extract_test(fname, name, skipped_upstream, args[1] if len(args) > 1 else [],
                         dict(env), files, chunks, skipped, nochunk)
            j = end + 1
            continue
        if t.kind == "id" and t.val in ("const", "let", "var"):
            # a top-level declaration: up to its ';'
            k = j
            while k < len(toks) and not is_p(toks[k], ";"):
                if is_p(toks[k], "(", "[", "{"):
                    k = match_close(toks, k)
                k += 1
            assign(toks[j:k], env)
            j = k + 1
            continue
        j += 1
    return tests


def extract_test(fname, name, upstream_skip, fn, env, files, chunks, skipped, nochunk):
    base = fname.replace(".test.js", "")
    label = base + ":" + (name[len(base) + 1:].strip() if name.startswith(base + ":") else name)
    try:
        lo = next(i for i, t in enumerate(fn) if is_p(t, "{"))
    except StopIteration:
        skipped.append((label, "test body is not a block"))
        return
    hi = match_close(fn, lo)
    calls = set()
    for i, t in enumerate(fn[lo:hi], lo):
        if t.kind == "id" and i + 1 < hi and is_p(fn[i + 1], "(") and t.val not in JS_KEYWORDS:
            calls.add(t.val)
        if t.kind == "id" and t.val == "ltests":
            calls.add("ltests")
    found = []
    for stmt in statements(fn, lo + 1, hi):
        # loads appear inside `if (...)` conditions: look at every call
        for i, t in enumerate(stmt):
            if t.kind == "id" and t.val in LOADERS and i + 1 < len(stmt) and is_p(stmt[i + 1], "("):
                k = match_close(stmt, i + 1)
                found.append(chunk_of(t.val, split_args(stmt, i + 1, k), env, files))
        assign(stmt, env)
    if not found:
        nochunk.append(label)
        return
    why = None
    if "ltests" in calls:
        why = "uses the C API test library (ltests / T)"
    else:
        extra = sorted(c for c in calls if c not in PLAIN_CALLS)
        if extra:
            why = "needs JS-side setup (" + ", ".join(extra) + ")"
    for n, (code, cname, err) in enumerate(found, 1):
        lab = label if len(found) == 1 else f"{label}#{n}"
        if err:
            skipped.append((lab, "cannot resolve the chunk: " + err))
            continue
        w = why or next((r for rx, r in LUA_SKIPS if rx.search(code)), None)
        if w:
            skipped.append((lab, w))
            continue
        chunks.append({"name": lab, "code": code, "chunkname": cname,
                       "upstream_skip": upstream_skip})


DRIVER = b"""-- run.lua FILE NAMEFILE: load FILE with the chunk name in NAMEFILE
-- (or the code itself, as luaL_loadstring does) and tail-call it
local function slurp(p)
  local f = assert(io.open(p, "rb")); local s = f:read("a"); f:close(); return s
end
local code = slurp(arg[1])
local name = arg[2] and slurp(arg[2]) or code
local f, err = load(code, name)
if not f then error(err, 0) end
return f()
"""


def extract(tarball, out):
    with tarfile.open(tarball) as tf:
        members = {m.name: m for m in tf.getmembers() if m.isfile() and m.name.startswith(SUITE)}
        read = lambda m: tf.extractfile(m).read()  # noqa: E731
        files = {n[len(SUITE):]: read(m) for n, m in members.items() if not n.endswith(".js")}
        jsfiles = sorted((n[len(SUITE):], read(m)) for n, m in members.items()
                         if n.endswith(".test.js"))
    if not jsfiles:
        sys.exit(f"lua_suite: no {SUITE}*.test.js in {tarball}")
    chunks, skipped, nochunk, ntests = [], [], [], 0
    for fname, data in jsfiles:
        ntests += extract_file(fname, data.decode("utf-8"), files, chunks, skipped, nochunk)
    # some test names repeat: number the repeats
    seen = {}
    for lst in (chunks, skipped):
        for i, c in enumerate(lst):
            lab = c["name"] if lst is chunks else c[0]
            seen[lab] = seen.get(lab, 0) + 1
            if seen[lab] > 1:
                lab = f"{lab} ({seen[lab]})"
                if lst is chunks:
                    c["name"] = lab
                else:
                    lst[i] = (lab, c[1])
    os.makedirs(out, exist_ok=True)
    manifest = []
    for i, c in enumerate(chunks):
        f = f"{i:03d}.lua"
        with open(os.path.join(out, f), "wb") as fh:
            fh.write(c["code"])
        ent = {"name": c["name"], "file": f, "upstream_skip": c["upstream_skip"]}
        if c["chunkname"] != c["code"]:
            ent["namefile"] = f"{i:03d}.name"
            with open(os.path.join(out, ent["namefile"]), "wb") as fh:
                fh.write(c["chunkname"])
        manifest.append(ent)
    with open(os.path.join(out, "run.lua"), "wb") as fh:
        fh.write(DRIVER)
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump({"chunks": manifest, "skipped": skipped, "no_chunk": nochunk}, fh, indent=1)
    print(f"lua-suite: {len(jsfiles)} files, {ntests} test cases, "
          f"{len(chunks) + len(skipped)} Lua chunks found, {len(chunks)} extracted, "
          f"{len(skipped)} skipped ({sum(c['upstream_skip'] for c in chunks)} of the "
          f"extracted ones are test.skip in fengari)")
    if nochunk:
        print(f"  {len(nochunk)} test cases without a Lua chunk (JS only): {'; '.join(nochunk)}")
    reasons = {}
    for lab, why in skipped:
        reasons.setdefault(why, []).append(lab)
    for why, labs in sorted(reasons.items(), key=lambda x: -len(x[1])):
        print(f"  skipped {len(labs):3d}: {why}:")
        for lab in labs:
            print(f"    {lab}")


# ---- running -------------------------------------------------------------

def run_one(argv, cwd, timeout):
    try:
        p = subprocess.run(argv, cwd=cwd, env={}, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", e.stdout or b"", e.stderr or b""


# Output that legitimately differs from run to run, normalised in both runs
# before comparing: chunk name -> (regex on stdout, replacement).
NONDETERMINISTIC = {
    # prints math.floor(os.time()) % 2
    "constructs:huge loops, upvalue":
        (re.compile(rb"testing short-circuit optimizations \([01]\)"),
         b"testing short-circuit optimizations (N)"),
}


def run(out, native, lfi, lfirun, min_pass, jobs):
    out = os.path.abspath(out)
    with open(os.path.join(out, "manifest.json")) as fh:
        chunks = json.load(fh)["chunks"]
    if not chunks:
        sys.exit("lua_suite: no chunks extracted")
    missing = set(NONDETERMINISTIC) - {c["name"] for c in chunks}
    if missing:
        sys.exit(f"lua_suite: NONDETERMINISTIC names unknown chunks: {sorted(missing)}")
    timeout = 120

    def one(c):
        args = ["run.lua", c["file"]] + ([c["namefile"]] if "namefile" in c else [])
        t0 = time.monotonic()
        n = run_one([native] + args, out, timeout)
        t1 = time.monotonic()
        s = run_one([lfirun, "--dir", f"{out}={out}", "--wd", out, "--timeout", str(timeout),
                     "--", lfi] + args, out, timeout + 10)
        t2 = time.monotonic()
        # lua.c prefixes its messages with argv[0]: the two binaries' paths
        n = (n[0], n[1].replace(native.encode(), b"lua"), n[2].replace(native.encode(), b"lua"))
        s = (s[0], s[1].replace(lfi.encode(), b"lua"), s[2].replace(lfi.encode(), b"lua"))
        if c["name"] in NONDETERMINISTIC:
            rx, rep = NONDETERMINISTIC[c["name"]]
            n, s = [(r[0], rx.sub(rep, r[1]), r[2]) for r in (n, s)]
        return c, n, s, t1 - t0, t2 - t1

    passed = failed = native_ok = 0
    slow = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for c, n, s, tn, ts in ex.map(one, chunks):
            slow.append((ts, tn, c["name"]))
            if n == s:
                passed += 1
                native_ok += n[0] == 0
                continue
            failed += 1
            what = []
            if n[0] != s[0]:
                what.append(f"exit status {s[0]} under lfi-run, {n[0]} native")
            if n[1] != s[1]:
                what.append("stdout differs")
            if n[2] != s[2]:
                what.append("stderr differs")
            print(f"FAIL: {c['name']} ({c['file']}): {', '.join(what)}")
            for i, stream in ((1, "stdout"), (2, "stderr")):
                if n[i] != s[i]:
                    k = next((k for k in range(min(len(n[i]), len(s[i]))) if n[i][k] != s[i][k]),
                             min(len(n[i]), len(s[i])))
                    lo = max(0, k - 60)
                    print(f"  {stream} differs at byte {k}:\n"
                          f"    native: {n[i][lo:k + 200]!r}\n    lfi:    {s[i][lo:k + 200]!r}")
    if os.environ.get("LUA_SUITE_VERBOSE"):
        for ts, tn, name in sorted(slow, reverse=True)[:10]:
            print(f"  slowest: {ts:.2f}s lfi, {tn:.2f}s native: {name}")
    print(f"lua-suite: {len(chunks)} chunks, {passed} identical natively and under lfi-run, "
          f"{native_ok} of them pass (exit 0), {failed} differ")
    if native_ok < min_pass:
        print(f"FAIL: only {native_ok} chunks pass, at least {min_pass} expected")
        failed += 1
    return passed, failed


def main():
    a = sys.argv[1:]
    if a[:1] == ["extract"] and len(a) == 3:
        try:
            extract(a[1], a[2])
        except JSError as e:
            sys.exit(f"lua_suite: cannot parse the JS test files: {e}")
    elif a[:1] == ["run"] and len(a) in (6, 7):
        passed, failed = run(a[1], a[2], a[3], a[4], int(a[5]), int(a[6]) if len(a) > 6 else 2)
        print(f"{passed} passed, {failed} failed")
        sys.exit(1 if failed else 0)
    else:
        sys.exit(__doc__.strip().split("\n\n")[1])


if __name__ == "__main__":
    main()
