// Startup and idle memory beside llama-server and a bare node:http server, spawned in interleaved rounds.
// Usage: pnpm bench:startup   (BENCH_ROUNDS=5; LLAMA_SERVER_BIN to use a llama-server built elsewhere;
// BENCH_COMPARE_ENTRY=/other/checkout/apps/api/dist/server.js spawns that build too in every round, for a before/after
// in one run: its figures are printed as a second table and docs/benchmarks.md is left as it is)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureLlamaServer, firstModel, rssMb, startLlamaServer } from './llama-server-peer.mjs';
import { ROOT, freePort, median, spawnBareNode, writeSection } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const COMPARE_ENTRY = process.env.BENCH_COMPARE_ENTRY;
const MODELS_DIR = process.env.TEST_MODELS_DIR || process.env.MODELS_DIR || path.join(ROOT, '../shared/models');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` every 2 ms until `done(res)`; returns the `performance.now()` of the first answer and of done. */
async function pollUntil(url, done, child) {
  let first;
  for (let i = 0; i < 20_000; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited`);
    const res = await fetch(url).catch(() => undefined);
    if (res) {
      first ??= performance.now();
      await res.arrayBuffer();
      if (done(res)) return { first, done: performance.now() };
    }
    await sleep(2);
  }
  throw new Error(`${url}: not ready in time`);
}

/** CPU time (user + system, all threads) the process has used so far, in ms: on a loaded machine wall time mostly
 * measures the wait for a core, this the work done. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function bareNode() {
  const bare = await spawnBareNode();
  const t = await pollUntil(bare.url, (r) => r.ok, bare.child);
  await sleep(500);
  const rss = rssMb(bare.child.pid);
  bare.stop();
  return { answer: t.first - bare.spawnedAt, rss };
}

async function chatStudio(entry = path.join(ROOT, 'apps/api/dist/server.js')) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-studio-startup-'));
  const port = await freePort();
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    MODELS_DIR,
    DATABASE_PATH: path.join(dir, 'chat.db'),
    LOGS_DIR: path.join(dir, 'logs'),
    LLAMA_THREADS: '1',
  };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [entry], { env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const live = await pollUntil(`${base}/health/live`, (r) => r.ok, child);
  const health = await pollUntil(`${base}/health`, (r) => r.ok, child);
  const cpu = cpuMs(child.pid);
  await sleep(1000);
  const rss = rssMb(child.pid);
  await new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });
  rmSync(dir, { recursive: true, force: true });
  return { answer: live.first - spawnedAt, health: health.first - spawnedAt, ready: health.done - spawnedAt, rss, cpu };
}

async function llamaServer(bin) {
  const server = await startLlamaServer({ bin, model: firstModel(MODELS_DIR), threads: 1, slots: 4 });
  await sleep(1000);
  const rss = rssMb(server.pid);
  await server.stop();
  return { answer: server.firstAnswerAt - server.spawnedAt, ready: server.readyAt - server.spawnedAt, rss };
}

const peer = ensureLlamaServer();
if (peer.skipped) console.log(`llama-server: ${peer.skipped}`);
const rows = { ours: [], peer: [], bare: [], other: [] };
for (let round = 0; round < ROUNDS; round++) {
  rows.bare.push(await bareNode());
  // The two builds take turns going first, so neither always meets the other's leftovers.
  if (COMPARE_ENTRY && round % 2 === 1) rows.other.push(await chatStudio(COMPARE_ENTRY));
  rows.ours.push(await chatStudio());
  if (COMPARE_ENTRY && round % 2 === 0) rows.other.push(await chatStudio(COMPARE_ENTRY));
  if (peer.bin) rows.peer.push(await llamaServer(peer.bin));
}

const med = (list, key) => median(list.map((r) => r[key]).filter((v) => v !== undefined));
const ms = (v) => (Number.isFinite(v) ? v.toFixed(0) : '—');
const mb = (v) => (Number.isFinite(v) ? v.toFixed(0) : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : '—');
const figures = {
  answer: [med(rows.ours, 'answer'), med(rows.peer, 'answer'), med(rows.bare, 'answer')],
  health: [med(rows.ours, 'health'), med(rows.peer, 'answer')],
  ready: [med(rows.ours, 'ready'), med(rows.peer, 'ready')],
  rss: [med(rows.ours, 'rss'), med(rows.peer, 'rss'), med(rows.bare, 'rss')],
};
const load = os
  .loadavg()
  .map((v) => v.toFixed(1))
  .join(', ');
const table = [
  '| Figure (median) | Chat Studio | llama-server | bare node:http | Chat Studio / llama-server |',
  '| --- | ---: | ---: | ---: | ---: |',
  `| spawn → first HTTP answer (ms) | ${ms(figures.answer[0])} | ${ms(figures.answer[1])} | ${ms(figures.answer[2])} | ${ratio(figures.answer[0], figures.answer[1])} |`,
  `| spawn → \`/health\` answers (ms) | ${ms(figures.health[0])} | ${ms(figures.health[1])} | — | ${ratio(figures.health[0], figures.health[1])} |`,
  `| spawn → model ready, \`/health\` 200 (ms) | ${ms(figures.ready[0])} | ${ms(figures.ready[1])} | — | ${ratio(figures.ready[0], figures.ready[1])} |`,
  `| RSS idle with the test model (MB) | ${mb(figures.rss[0])} | ${mb(figures.rss[1])} | ${mb(figures.rss[2])} | ${ratio(figures.rss[0], figures.rss[1])} |`,
].join('\n');
console.log(table);
if (COMPARE_ENTRY) {
  const pairs = (key) => rows.other.map((o, i) => `${ms(o[key])}/${ms(rows.ours[i]?.[key])}`).join(', ');
  console.log(`\n${COMPARE_ENTRY} / this build, per round (ms; RSS in MB):`);
  for (const key of ['answer', 'health', 'ready', 'cpu', 'rss'])
    console.log(`${key}: median ${ms(med(rows.other, key))} -> ${ms(med(rows.ours, key))} (${pairs(key)})`);
  console.log(`load average ${load}`);
  process.exit(0);
}
writeSection(
  'Startup',
  `Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench:startup\` (bench/startup.bench.mjs): ${ROUNDS} interleaved rounds, each spawning a bare \`node:http\` hello world, Chat Studio (\`node apps/api/dist/server.js\`, empty database, the test model, \`LLAMA_THREADS=1\`) and ${peer.bin ? "llama-server (built from node-llama-cpp's bundled llama.cpp; same model, 1 thread, 4 slots)" : `no llama-server (${peer.skipped})`}, polling every 2 ms. RSS is read from /proc 1 s after the model is ready. Load average at the end: ${load} on ${os.availableParallelism()} cores.\n\n${table}`,
);
