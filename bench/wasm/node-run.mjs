// Run a wasm32-wasi (preview1) command module on node's V8.
//
// usage: node --no-liftoff --no-wasm-lazy-compilation bench/wasm/node-run.mjs
//            [--dir SANDBOX=HOST]... [--wd DIR] [--env NAME=VALUE]... -- MODULE.wasm ARGS...
//
//   --dir SANDBOX=HOST  preopen the host directory HOST under the absolute guest path SANDBOX
//   --wd DIR            the guest's working directory (a guest path); default: the guest
//                       path of the host cwd if a preopen covers it, else "/" (PWD unset)
//   --env NAME=VALUE    add a guest environment variable (the environment is otherwise
//                       empty, like lfi-run's, except PWD below)
//
// The guest gets argv[0] = the module's name (file name without .wasm), this
// process's stdin/stdout/stderr, and PWD = its working directory: wasi-libc
// keeps the working directory inside the module, so modules built by
// bench/wasm/build-wasm.sh chdir to $PWD at startup (bench/wasm/compat/wasi_cwd.c).
// Exit status: the module's (proc_exit or main's return); a trap prints one
// line on stderr and exits with 134. Node's "WASI is experimental" warning is
// suppressed so that stderr carries only the guest's output.
import fs from 'node:fs';
import path from 'node:path';

process.removeAllListeners('warning');  // before node:wasi is loaded
const { WASI } = await import('node:wasi');

const USAGE = 'usage: node --no-liftoff --no-wasm-lazy-compilation node-run.mjs ' +
    '[--dir SANDBOX=HOST]... [--wd DIR] [--env NAME=VALUE]... -- MODULE.wasm ARGS...';
function die(msg, status = 2) {
    process.stderr.write(`node-run: ${msg}\n`);
    process.exit(status);
}

const argv = process.argv.slice(2);
const preopens = {};
const dirs = [];
const env = {};
let wd = null;
let i = 0;
for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    const val = () => {
        if (i + 1 >= argv.length) die(`${a} needs a value\n${USAGE}`);
        return argv[++i];
    };
    if (a === '--dir') {
        const v = val();
        const eq = v.indexOf('=');
        if (eq <= 0 || eq === v.length - 1) die(`--dir ${v}: expected SANDBOX=HOST`);
        const guest = path.posix.normalize(v.slice(0, eq));
        const host = path.resolve(v.slice(eq + 1));
        if (!guest.startsWith('/')) die(`--dir ${v}: the sandbox path must be absolute`);
        let st;
        try { st = fs.statSync(host); } catch (e) { die(`--dir ${v}: ${e.message}`); }
        if (!st.isDirectory()) die(`--dir ${v}: ${host} is not a directory`);
        preopens[guest] = host;
        dirs.push([guest, host]);
    } else if (a === '--wd') {
        wd = val();
        if (!wd.startsWith('/')) die(`--wd ${wd}: must be an absolute guest path`);
    } else if (a === '--env') {
        const v = val();
        const eq = v.indexOf('=');
        if (eq <= 0) die(`--env ${v}: expected NAME=VALUE`);
        env[v.slice(0, eq)] = v.slice(eq + 1);
    } else {
        die(`unknown option ${a}\n${USAGE}`);
    }
}
if (i >= argv.length) die(USAGE);
const modPath = argv[i];
const args = [path.basename(modPath).replace(/\.wasm$/, ''), ...argv.slice(i + 1)];

if (wd === null) {
    // The guest path of the host cwd, through the preopen that covers it most closely.
    const cwd = process.cwd();
    let best = null;
    for (const [guest, host] of dirs) {
        const rel = path.relative(host, cwd);
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        if (best === null || host.length > best[1].length)
            best = [guest, host, rel];
    }
    if (best) wd = path.posix.join(best[0], best[2].split(path.sep).join('/'));
}
if (wd !== null) env.PWD = wd;

let bytes;
try { bytes = fs.readFileSync(modPath); } catch (e) { die(`${modPath}: ${e.message}`); }
let module;
try { module = await WebAssembly.compile(bytes); } catch (e) { die(`${modPath}: ${e.message}`); }

const wasi = new WASI({
    version: 'preview1', args, env, preopens, returnOnExit: true,
    stdin: 0, stdout: 1, stderr: 2,
});
let status;
try {
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    status = wasi.start(instance);
} catch (e) {
    const what = e instanceof WebAssembly.RuntimeError ? 'trap' : 'error';
    process.stderr.write(`node-run: ${args[0]}: ${what}: ${e.message}\n`);
    status = 134;
}
process.exitCode = status;
