// Benchmark of search by meaning: the store's `vectors.search` over BENCH_VECTORS (default 1,000,000) random unit
// vectors of one user on SQLite at BENCH_DIMS (default 64, the test model's dimension; 384 is a small real embedding
// model's), both through sqlite-vec's exact vec0 KNN and through the in-process vector index, with the index's
// recall@20 against the exact answers (also on BENCH_MODEL_TEXTS test-model embeddings), the PostgreSQL exact scan at BENCH_PG_VECTORS (default
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
const MODEL_TEXTS = Number(process.env.BENCH_MODEL_TEXTS ?? 2000);
const USER = 'bench-user';

function unitVector(dims) {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.random() * 2 - 1;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

async function timed(reps, fn) {
  const ms = [];
  // CPU time of the whole process (every thread: the index's worker, the read pool): what a search costs whatever
  // else the machine runs, where wall-clock times on a loaded machine mostly measure the wait for a core.
  const cpu = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await fn(i);
    ms.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), cpuMs: (used.user + used.system) / 1000 / reps };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Mean share of the exact top `k` that `found` holds, over the queries; `ties` also counts a found hit whose score
 * equals the exact k-th one (vectors at the same distance, where either answer is right).
 */
function recallAt(k, exact, found, ties = false) {
  let sum = 0;
  for (let q = 0; q < exact.length; q++) {
    const top = exact[q].slice(0, k);
    const want = new Set(top.map((h) => h.message_id));
    const kth = top.at(-1)?.score ?? Number.POSITIVE_INFINITY;
    const hits = found[q].slice(0, k).filter((h) => want.has(h.message_id) || (ties && h.score >= kth - 1e-6));
    sum += hits.length / Math.max(1, want.size);
  }
  return sum / exact.length;
}

/** Writes `vectors` of USER straight into the vec0 table of a fresh store at `file`; returns vectors/s. */
async function fillVec0(file, dims, count, vectorAt) {
  const setup = await openChatStore({ path: file, readPool: 0, vectorIndexBytes: 0 });
  await setup.vectors.useModel({ model: 'bench', dims });
  await setup.vectors.setEnabled(USER, true);
  await setup.close();
  // Straight into the vec0 table (the search is what is measured; storing goes through messages, which would
  // need 1,000,000 messages with their full-text index first).
  const raw = new Database(file);
  sqliteVec.load(raw);
  const insert = raw.prepare('INSERT INTO message_vectors (user_id, message_id, embedding) VALUES (?, ?, ?)');
  const started = performance.now();
  for (let at = 0; at < count; at += 10_000) {
    raw.transaction(() => {
      for (let i = at; i < Math.min(count, at + 10_000); i++)
        insert.run(USER, `m${i}`, Buffer.from(vectorAt(i).buffer));
    })();
  }
  raw.close();
  return count / ((performance.now() - started) / 1000);
}

/**
 * vec0's exact KNN (on this thread, as before) and the in-process vector index (a store as the server opens it:
 * read pool, index on) over the same file and queries; recall@20 of the index against the exact answers.
 */
async function compareSearches(file, queries) {
  const exactStore = await openChatStore({ path: file, readPool: 0, vectorIndexBytes: 0 });
  const exactHits = [];
  const exact = await timed(queries.length, async (i) => {
    exactHits[i] = await exactStore.vectors.search(USER, queries[i], { limit: 20 });
  });
  await exactStore.close();
  const served = await openChatStore({ path: file });
  if (served.backend !== 'sqlite' || !served.vectorIndex) throw new Error('no vector index');
  const index = served.vectorIndex;
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  await served.vectors.search(USER, queries[0], { limit: 20 });
  while (index.state(USER) !== 'ready') {
    if (index.state(USER) === 'too-large') throw new Error('over the vector index bound');
    await sleep(20);
  }
  const loadMs = performance.now() - started;
  const rssMB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  const scans = index.scans;
  const indexHits = [];
  const indexed = await timed(queries.length, async (i) => {
    indexHits[i] = await served.vectors.search(USER, queries[i], { limit: 20 });
  });
  if (index.scans !== scans + queries.length) throw new Error('a search missed the vector index');
  const indexMB = index.bytes / 1024 / 1024;
  await served.close();
  const recall = recallAt(20, exactHits, indexHits);
  return { exact, indexed, recall, recallTies: recallAt(20, exactHits, indexHits, true), loadMs, rssMB, indexMB };
}

async function sqliteFigures() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-meaning-'));
  try {
    const file = path.join(dir, 'chat.db');
    const insertPerS = await fillVec0(file, DIMS, VECTORS, () => unitVector(DIMS));
    const queries = Array.from({ length: REPS }, () => unitVector(DIMS));
    return { insertPerS, ...(await compareSearches(file, queries)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WORDS = `login test flaky fails sign-in check build server cache docker image deploy rollback database index query
slow timeout retry network proxy certificate expired renew token session cookie browser chrome firefox layout css
grid button click modal dialog form validation email password reset account invoice payment refund tax report
chart export csv pdf upload download file folder backup restore memory leak cpu profile thread queue worker`.split(
  /\s+/,
);

function sentence(random) {
  const n = 6 + Math.floor(random() * 10);
  return Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

/** recall@20 of the index on the test model's own embeddings of generated messages (their neighbours cluster). */
async function modelRecallFigures(runtime, model) {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const embed = async (texts) => {
    const out = [];
    for (let at = 0; at < texts.length; at += 32) {
      const r = await runtime.embed({ model, input: texts.slice(at, at + 32), truncate: true });
      for (const v of r.vectors) {
        const norm = Math.hypot(...v) || 1;
        out.push(Float32Array.from(v, (x) => x / norm));
      }
    }
    return out;
  };
  const vectors = await embed(Array.from({ length: MODEL_TEXTS }, () => sentence(random)));
  const queries = await embed(Array.from({ length: REPS }, () => sentence(random)));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-meaning-model-'));
  try {
    const file = path.join(dir, 'chat.db');
    await fillVec0(file, vectors[0].length, vectors.length, (i) => vectors[i]);
    return { texts: vectors.length, ...(await compareSearches(file, queries)) };
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
  const recall = await modelRecallFigures(runtime, model);
  await runtime.close();
  return { model, dims, perS: messages / s, tokensPerS: tokens / s, tokensPerMessage: tokens / messages, recall };
}

const f = (n) => n.toFixed(1);
const sqlite = await sqliteFigures();
console.log('sqlite', sqlite);
const pg = await postgresFigures();
console.log('postgres', pg);
const embed = await embeddingFigures();
console.log('embedding', embed);

const load = os.loadavg()[0].toFixed(1);
const date = new Date().toISOString().slice(0, 10);
const m = embed.recall;
const body = `
Measured with \`BENCH_VECTORS=${VECTORS} BENCH_DIMS=${DIMS} BENCH_PG_VECTORS=${PG_VECTORS} BENCH_MODEL_TEXTS=${MODEL_TEXTS} pnpm bench:meaning\`
(bench/meaning.bench.mjs). Random unit vectors of ${DIMS} dimensions (the test model's dimension), all of one user
(the worst case for the partition key), through the store's \`vectors.search\` (top 20, ${REPS} queries). The vec0
row is sqlite-vec's exact KNN on the calling thread; the index row is a store as the server opens it (read pool, the
in-process vector index: an int8 copy of the user's vectors scanned with WebAssembly SIMD in a worker, the best
100 re-ranked with vec0's exact vectors; docs/search-by-meaning.md). recall@20: the share of the exact top 20 found.

### ${date} (shared machine, load ${load})

${os.cpus().length} cores, load average ${load} at the end of the run (other helpers' work; this run not niced);
compare figures of the same run only. "CPU ms a search" is the process's CPU time (all its threads) per search: it
does not depend on the wait for a core, so it shows what the wall-clock figures would approach on an idle machine.

| what | vectors | p50 ms | p95 ms | CPU ms a search | recall@20 |
| --- | ---: | ---: | ---: | ---: | ---: |
| SQLite sqlite-vec (vec0, exact KNN in the user's partition) | ${VECTORS.toLocaleString('en')} | ${f(sqlite.exact.p50)} | ${f(sqlite.exact.p95)} | ${f(sqlite.exact.cpuMs)} | 1 (exact) |
| SQLite in-process vector index (int8 scan + exact re-rank) | ${VECTORS.toLocaleString('en')} | ${f(sqlite.indexed.p50)} | ${f(sqlite.indexed.p95)} | ${f(sqlite.indexed.cpuMs)} | ${sqlite.recall.toFixed(3)} (${sqlite.recallTies.toFixed(3)} counting ties) |
| SQLite vec0, test model's embeddings of generated messages | ${m.texts.toLocaleString('en')} | ${f(m.exact.p50)} | ${f(m.exact.p95)} | ${f(m.exact.cpuMs)} | 1 (exact) |
| SQLite vector index, the same embeddings | ${m.texts.toLocaleString('en')} | ${f(m.indexed.p50)} | ${f(m.indexed.p95)} | ${f(m.indexed.cpuMs)} | ${m.recall.toFixed(3)} (${m.recallTies.toFixed(3)} counting ties) |
${pg ? `| PostgreSQL exact scan (\`real[]\`, \`chat_vector_dot\`; CPU: this process only, not the server) | ${PG_VECTORS.toLocaleString('en')} | ${f(pg.p50)} | ${f(pg.p95)} | — | 1 (exact) |\n` : ''}
Loading the user's ${VECTORS.toLocaleString('en')} vectors into the index (from the first search until it is ready, vec0
answering meanwhile): ${(sqlite.loadMs / 1000).toFixed(1)} s; the index holds ~${Math.round(sqlite.indexMB)} MB by its own
estimate (process RSS grew ${Math.round(sqlite.rssMB)} MB). SQLite bulk insert into vec0: ${Math.round(sqlite.insertPerS).toLocaleString('en')} vectors/s.
Target (issue #17): SQLite p95 under 100 ms at 1,000,000 — ${sqlite.indexed.p95 < 100 && VECTORS >= 1_000_000 ? 'met' : 'not met'} in this run by the vector index
(vec0's exact KNN: ${sqlite.exact.p95 < 100 && VECTORS >= 1_000_000 ? 'met' : 'not met'}). vec0's KNN cost is per row, not per float: a binary-quantized
prefilter column (bit[64], top 200 re-ranked) measured no faster than the plain scan in an earlier run.
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
