// The peer every generation, startup and memory figure is compared with: llama.cpp's `llama-server`, built from the
// very llama.cpp source node-llama-cpp ships in its package (llama/gitRelease.bundle), so both run the same engine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ROOT, freePort } from './lib.mjs';

/** node-llama-cpp's package folder, found through llm-runtime (the package that depends on it). */
function nodeLlamaCppDir() {
  const require = createRequire(path.join(ROOT, 'packages/llm-runtime/package.json'));
  // Its exports map hides package.json: walk up from the entry to the folder that holds it.
  let dir = path.dirname(require.resolve('node-llama-cpp'));
  while (!existsSync(path.join(dir, 'llama/gitRelease.bundle')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Where the build is cached: outside the repo, one folder per node-llama-cpp version, reused by every run. */
export function peerCacheDir() {
  const version = JSON.parse(readFileSync(path.join(nodeLlamaCppDir(), 'package.json'), 'utf8')).version;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'chat-studio', `llama-server-node-llama-cpp-${version}`);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

/**
 * The llama-server binary: LLAMA_SERVER_BIN when set, else the cached build, else a build now (minutes: a CPU-only
 * Release build with native flags, the one target). Returns `{ bin }` or `{ skipped: reason }` where cmake, a C++
 * compiler or git are missing, so a bench prints one clear line instead of failing.
 */
export function ensureLlamaServer({ build = true } = {}) {
  if (process.env.LLAMA_SERVER_BIN) {
    return existsSync(process.env.LLAMA_SERVER_BIN)
      ? { bin: process.env.LLAMA_SERVER_BIN }
      : { skipped: `LLAMA_SERVER_BIN=${process.env.LLAMA_SERVER_BIN} does not exist` };
  }
  const dir = peerCacheDir();
  const bin = path.join(dir, 'build/bin/llama-server');
  if (existsSync(bin)) return { bin };
  if (!build) return { skipped: `llama-server is not built yet (${bin}); run pnpm bench:llm once to build it` };
  const missing = ['cmake', 'c++', 'git'].filter((cmd) => !has(cmd));
  if (missing.length > 0) {
    return { skipped: `llama-server peer not built: ${missing.join(', ')} not found (apt-get install cmake g++ git)` };
  }
  mkdirSync(path.dirname(dir), { recursive: true });
  if (!existsSync(path.join(dir, 'CMakeLists.txt'))) {
    console.log(`building the llama-server peer in ${dir} (once; several minutes)`);
    run('git', ['clone', '--quiet', path.join(nodeLlamaCppDir(), 'llama/gitRelease.bundle'), dir], ROOT);
  }
  run(
    'cmake',
    [
      '-S',
      '.',
      '-B',
      'build',
      '-DCMAKE_BUILD_TYPE=Release',
      '-DGGML_NATIVE=ON',
      '-DLLAMA_CURL=OFF',
      '-DLLAMA_BUILD_TESTS=OFF',
      '-DGGML_CCACHE=OFF',
    ],
    dir,
  );
  run('cmake', ['--build', 'build', '--target', 'llama-server', '-j', String(os.availableParallelism())], dir);
  return existsSync(bin) ? { bin } : { skipped: `the build finished without ${bin}` };
}

/**
 * Starts llama-server on a free port with the same model, threads and slots as our server, and resolves once its
 * `/health` answers 200 (model loaded). `spawnedAt`, `firstAnswerAt` and `readyAt` are `performance.now()` stamps.
 */
export async function startLlamaServer({ bin, model, threads = 1, slots = 4, ctxSize = 0 }) {
  const port = await freePort();
  const args = [
    '-m',
    model,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '-t',
    String(threads),
    '-np',
    String(slots),
  ];
  if (ctxSize) args.push('-c', String(ctxSize));
  const spawnedAt = performance.now();
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  let firstAnswerAt;
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null) throw new Error(`llama-server exited: ${err}`);
    const res = await fetch(`${baseUrl}/health`).catch(() => undefined);
    if (res) firstAnswerAt ??= performance.now();
    if (res?.ok) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const readyAt = performance.now();
  return {
    baseUrl,
    pid: child.pid,
    spawnedAt,
    firstAnswerAt,
    readyAt,
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r(undefined);
        child.once('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

/** Resident memory of a process in MB, from /proc (Linux); undefined elsewhere. */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The first `.gguf` in a folder (the test model by default). */
export function firstModel(dir) {
  const name = readdirSync(dir).find((f) => f.endsWith('.gguf'));
  if (!name) throw new Error(`no .gguf model in ${dir}`);
  return path.join(dir, name);
}
