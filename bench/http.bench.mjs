// Per-request overhead: requests per second beside a bare node:http server (and llama-server's /health), measured
// with autocannon (16 connections) in interleaved rounds of the same run.
// Usage: pnpm bench:http   (BENCH_SECONDS=5 per case, BENCH_ROUNDS=2; LLAMA_SERVER_BIN for the peer)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ensureLlamaServer, firstModel, startLlamaServer } from './llama-server-peer.mjs';
import { freePort, median, spawnBareNode, startApiServer, writeSection } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 2);
const CONNECTIONS = 16;
const MODELS_DIR = process.env.TEST_MODELS_DIR || process.env.MODELS_DIR;

/** Requests per second of GET `url` over SECONDS; non-2xx answers count as errors, not as requests served. */
async function load(url) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  const errors = result.errors + result.timeouts + result.non2xx;
  return { rps: result.requests.average, p99: result.latency.p99, errors };
}

async function startBare() {
  const bare = await spawnBareNode();
  for (let i = 0; i < 500 && !(await fetch(bare.url).catch(() => undefined)); i++)
    await new Promise((r) => setTimeout(r, 10));
  return bare;
}

/**
 * The framework floor: a Hono app with one JSON route on @hono/node-server, no middleware (issue #18: how much of
 * Chat Studio's overhead is Hono's own). Evaluated with apps/api as its folder, so it loads the same packages.
 */
async function startBareHono() {
  const port = await freePort();
  const code = [
    "import { Hono } from 'hono';",
    "import { serve } from '@hono/node-server';",
    "const app = new Hono().get('/', (c) => c.json({ status: 'ok' }));",
    "serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });",
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: path.join(import.meta.dirname, '../apps/api'),
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 500 && !(await fetch(url).catch(() => undefined)); i++)
    await new Promise((r) => setTimeout(r, 10));
  return { url, stop: () => child.kill('SIGTERM') };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chat-studio-http-bench-'));
const ours = await startApiServer({
  DATABASE_PATH: path.join(dataDir, 'chat.db'),
  ...(MODELS_DIR ? { MODELS_DIR } : {}),
});
for (let i = 0; i < 20; i++) {
  const res = await fetch(`${ours.baseUrl}/api/chat/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: `Chat ${i}` }),
  });
  if (!res.ok) throw new Error(`creating a chat: ${res.status} ${await res.text()}`);
}
const bare = await startBare();
const hono = await startBareHono();
const peer = ensureLlamaServer();
if (peer.skipped) console.log(`llama-server: ${peer.skipped}`);
const llama = peer.bin && MODELS_DIR ? await startLlamaServer({ bin: peer.bin, model: firstModel(MODELS_DIR) }) : null;

const cases = {
  bare: bare.url,
  hono: hono.url,
  health: `${ours.baseUrl}/health`,
  list: `${ours.baseUrl}/api/chat/sessions?limit=20`,
  ...(llama ? { llama: `${llama.baseUrl}/health` } : {}),
};
const runs = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, url] of Object.entries(cases)) runs[name].push(await load(url));
}
await ours.stop();
bare.stop();
hono.stop();
await llama?.stop();
rmSync(dataDir, { recursive: true, force: true });

const rps = (name) => median(runs[name].map((r) => r.rps));
const errors = (name) => runs[name].reduce((n, r) => n + r.errors, 0);
const row = (label, name) =>
  `| ${label} | ${rps(name).toFixed(0)} | ${median(runs[name].map((r) => r.p99)).toFixed(1)} | ${(rps(name) / rps('bare')).toFixed(2)}× | ${errors(name)} |`;
const table = [
  '| Request | req/s | p99 (ms) | ratio to bare node:http | errors |',
  '| --- | ---: | ---: | ---: | ---: |',
  row('bare `node:http` hello world (JSON)', 'bare'),
  row('bare Hono on `@hono/node-server`, one JSON route', 'hono'),
  row('Chat Studio `GET /health` (database, storage probe, model)', 'health'),
  row('Chat Studio `GET /api/chat/sessions?limit=20` (20 rows)', 'list'),
  ...(llama ? [row('llama-server `GET /health`', 'llama')] : []),
].join('\n');
console.log(table);
const load1 = os
  .loadavg()
  .map((v) => v.toFixed(1))
  .join(', ');
writeSection(
  'HTTP overhead',
  `Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench:http\` (bench/http.bench.mjs): autocannon, ${CONNECTIONS} connections, ${SECONDS} s per case, ${ROUNDS} interleaved rounds (median shown), all servers on this machine at once with the load generator; Chat Studio with its defaults (access log on, metrics recorded, \`AUTH=off\`, rate limits off as in every bench). ${llama ? '' : `No llama-server line: ${peer.skipped ?? 'no TEST_MODELS_DIR'}. `}Load average at the end: ${load1} on ${os.availableParallelism()} cores.\n\n${table}`,
);
