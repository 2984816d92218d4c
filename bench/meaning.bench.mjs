// Benchmark of search by meaning: the store's `vectors.search` over BENCH_VECTORS (default 1,000,000) random unit
// vectors of one user on SQLite (sqlite-vec vec0, partitioned by user) at BENCH_DIMS (default 64, the test model's
// dimension; 384 is a small real embedding model's), the PostgreSQL exact scan at BENCH_PG_VECTORS (default
// 100,000; needs DATABASE_URL_TEST), and embedding throughput with the test model (TEST_MODELS_DIR). Run with
// `pnpm bench:meaning` (BENCH_WRITE=0 to print only).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openChatStore } from '../packages/chat-store/dist/index.js';
import { percentile, ROOT, writeSection } from './lib.mjs';

const requireFromStore = createRequire(path.join(ROOT, 'packages/chat-store/package.json'));
const Database = requireFromStore('better-sqlite3');
const sqliteVec = requireFromStore('sqlite-vec');

const VECTORS = Number(process.env.BENCH_VECTORS ?? 1_000_000);
const DIMS = Number(process.env.BENCH_DIMS ?? 64);
const PG_VECTORS = Number(process.env.BENCH_PG_VECTORS ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 40);
const USER = 'bench-user';

function unitVector(dims) {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.random() * 2 - 1;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

async function timed(reps, fn) {
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function sqliteFigures() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-meaning-'));
  const file = path.join(dir, 'chat.db');
  try {
    // readPool 0: the scan itself, on this thread (the server runs it in a read-pool worker).
    const store = await openChatStore({ path: file, readPool: 0 });
    await store.vectors.useModel({ model: 'random-unit', dims: DIMS });
    await store.vectors.setEnabled(USER, true);
    // Straight into the vec0 table (the search is what is measured; storing goes through messages, which would
    // need 1,000,000 messages with their full-text index first).
    const raw = new Database(file);
    sqliteVec.load(raw);
    const insert = raw.prepare('INSERT INTO message_vectors (user_id, message_id, embedding) VALUES (?, ?, ?)');
    const started = performance.now();
    for (let at = 0; at < VECTORS; at += 10_000) {
      raw.transaction(() => {
        for (let i = at; i < Math.min(VECTORS, at + 10_000); i++) {
          const v = unitVector(DIMS);
          insert.run(USER, `m${i}`, Buffer.from(v.buffer));
        }
      })();
    }
    const insertPerS = VECTORS / ((performance.now() - started) / 1000);
    raw.close();
    const search = await timed(REPS, () => store.vectors.search(USER, unitVector(DIMS), { limit: 20 }));
    await store.close();
    return { insertPerS, ...search };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresFigures() {
  const url = process.env.DATABASE_URL_TEST;
  if (!url || PG_VECTORS <= 0) return null;
  const { createScratchDatabase } = await import(
    pathToFileURL(path.join(ROOT, 'tooling/test-support/dist/index.js')).href
  );
  const scratch = await createScratchDatabase({ prefix: 'bench_meaning' });
  try {
    const store = await openChatStore({ url: scratch.url });
    await store.vectors.useModel({ model: 'random-unit', dims: DIMS });
    const { sql } = await import(pathToFileURL(requireFromStore.resolve('kysely')).href);
    await sql`INSERT INTO chat_sessions (id, user_id, title, created_at, updated_at) VALUES ('s', ${USER}, 'b', 0, 0)`.execute(
      store.db,
    );
    await sql`INSERT INTO chat_messages (id, session_id, role, content, created_at)
              SELECT 'm' || g, 's', 'user', 'x', 0 FROM generate_series(1, ${PG_VECTORS}) g`.execute(store.db);
    await sql`INSERT INTO message_vectors (message_id, user_id, embedding)
              SELECT 'm' || g, ${USER}, ARRAY(SELECT (random() - 0.5 + 0 * g)::real FROM generate_series(1, ${DIMS}))
                FROM generate_series(1, ${PG_VECTORS}) g`.execute(store.db);
    await sql`ANALYZE message_vectors`.execute(store.db);
    const search = await timed(Math.min(REPS, 20), () => store.vectors.search(USER, unitVector(DIMS), { limit: 20 }));
    await store.close();
    return search;
  } finally {
    await scratch.drop();
  }
}

async function embeddingFigures() {
  const models = process.env.TEST_MODELS_DIR ?? path.resolve(ROOT, '../shared/models');
  const { createLlmRuntime } = await import(pathToFileURL(path.join(ROOT, 'packages/llm-runtime/dist/index.js')).href);
  const runtime = createLlmRuntime({ modelsDir: models, logger: undefined });
  await runtime.start();
  await runtime.whenLoaded();
  const model = runtime.status().model_id;
  const texts = Array.from({ length: 32 }, (_, i) => `message ${i}: the quick brown fox jumps over the lazy dog again`);
  await runtime.embed({ model, input: texts, truncate: true });
  let messages = 0;
  let tokens = 0;
  let dims = 0;
  const started = performance.now();
  while (performance.now() - started < 5000) {
    const r = await runtime.embed({ model, input: texts, truncate: true });
    messages += texts.length;
    tokens += r.promptTokens;
    dims = r.vectors[0].length;
  }
  const s = (performance.now() - started) / 1000;
  await runtime.close();
  return { model, dims, perS: messages / s, tokensPerS: tokens / s, tokensPerMessage: tokens / messages };
}

const f = (n) => n.toFixed(1);
const sqlite = await sqliteFigures();
console.log('sqlite', sqlite);
const pg = await postgresFigures();
console.log('postgres', pg);
const embed = await embeddingFigures();
console.log('embedding', embed);

const load = os.loadavg()[0].toFixed(1);
const body = `
Shared machine, load ${load} (${os.cpus().length} cores); \`BENCH_VECTORS=${VECTORS} BENCH_DIMS=${DIMS} BENCH_PG_VECTORS=${PG_VECTORS} pnpm bench:meaning\`.
Random unit vectors of ${DIMS} dimensions (the test model's dimension), all of one user (the worst case for the
partition key), through the store's \`vectors.search\` (top 20).

| what | vectors | p50 ms | p95 ms |
| --- | ---: | ---: | ---: |
| SQLite sqlite-vec (vec0, exact KNN in the user's partition) | ${VECTORS.toLocaleString('en')} | ${f(sqlite.p50)} | ${f(sqlite.p95)} |
${pg ? `| PostgreSQL exact scan (\`real[]\`, \`chat_vector_dot\`) | ${PG_VECTORS.toLocaleString('en')} | ${f(pg.p50)} | ${f(pg.p95)} |\n` : ''}
SQLite bulk insert into vec0: ${Math.round(sqlite.insertPerS).toLocaleString('en')} vectors/s.
Target (issue #17): SQLite p95 under 100 ms at 1,000,000 — ${sqlite.p95 < 100 && VECTORS >= 1_000_000 ? 'met' : 'not met'} in this run. sqlite-vec's vec0 KNN is an exact
scan of the partition, and its cost is per row rather than per float: a binary-quantized prefilter column
(bit[64], top 200 re-ranked by the floats) measured no faster (639 ms against 560 ms p50 at 1,000,000, same machine).
Ways to the target: an in-process Float32Array copy of a user's vectors (64 M multiply-adds at 1,000,000), or an
approximate index once sqlite-vec ships one.
${
  pg
    ? `PostgreSQL: the exact scan costs about ${f((pg.p50 / PG_VECTORS) * 1000)} µs a vector here, so a user's search stays under 100 ms up to about ${Math.round((100 / pg.p50) * PG_VECTORS).toLocaleString('en')} vectors on this machine (the documented bound; pgvector is future work).
`
    : ''
}
Embedding throughput with the test model (${embed.model}, ${embed.dims} dims, batches of 32, ~${f(embed.tokensPerMessage)}
tokens a message): ${Math.round(embed.perS).toLocaleString('en')} messages/s, ${Math.round(embed.tokensPerS).toLocaleString('en')} tokens/s.
For a real model, embedding costs about 2 × parameters FLOPs per token, so messages/s ≈ this machine's sustained
FLOP/s ÷ (2 × parameters × tokens per message); relative to the test model (~0.26 M parameters), a 33 M-parameter
model (bge-small, 384 dims) embeds about 33 / 0.26 ≈ 127× fewer tokens per second on the same threads, before
memory-bandwidth effects.
`;
if (process.env.BENCH_WRITE !== '0') writeSection('Search by meaning', body);
else console.log(body);
