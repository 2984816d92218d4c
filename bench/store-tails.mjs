// Where the search tails of `pnpm bench:store` come from, sample by sample: the bench's own sequence (warm-up, then 4
// rounds of 250 appends, 250 list pages, and per query 10 searches, 10 raw-window runs and the slow baselines), with
// each search run on a diagnostic copy of the read-pool worker (bench/store-tails-worker.mjs) that reports its wall
// time, CPU time, run-queue wait, page faults and statement times, and with the main thread's garbage collections
// during each round trip. Linux only. Run after building chat-store:
//   node bench/store-tails.mjs                      # workers as the store opens them (no memory map)
//   TAILS_MMAP=1073741824 node bench/store-tails.mjs   # as before 2026-12-03 (1 GiB memory map)
// TAILS_BASELINES=0 leaves out the raw window and the naive/LIKE baselines; TAILS_OUT=file.json keeps every sample.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { buildMatchExpression, openChatStore, tokenizeQuery } from '../packages/chat-store/dist/index.js';
import { SqlRunner } from '../packages/chat-store/dist/sqlite/connection/index.js';
import { prefixTerms } from '../packages/chat-store/dist/sqlite/fts5-prefix/index.js';
import { SEARCH_STATEMENTS } from '../packages/chat-store/dist/sqlite/repositories/search.repository.js';
import { storeCorpus, textGenerator, USER } from './store-corpus.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const Database = createRequire(join(root, 'packages/chat-store/package.json'))('better-sqlite3');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const MMAP = Number(process.env.TAILS_MMAP ?? 0);
const BASELINES = process.env.TAILS_BASELINES !== '0';
const QUERIES = [
  'term2kx',
  'zurich',
  'the',
  'garlic',
  '"crème brûlée"',
  'recip',
  'telesc',
  'orchestra violin cello',
  'passport luggage hotel',
  'how to write a good prompt',
  'NEAR("model" OR -token)',
  'café? 🙂 (python) async*',
  'nonexistentword',
];

let mainCollections = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) mainCollections.push(entry.duration);
}).observe({ entryTypes: ['gc'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] ?? 0;

const dir = mkdtempSync(join(os.tmpdir(), 'chat-store-tails-'));
const samples = [];
try {
  const { path, sessionIds } = await storeCorpus(dir, { sessions: SESSIONS, messages: MESSAGES });
  const store = await openChatStore({ path, readPool: 0 });
  const worker = new Worker(new URL('./store-tails-worker.mjs', import.meta.url), {
    workerData: { path, cacheKiB: 32 * 1024, mmapBytes: MMAP, nice: 5 },
  });
  await new Promise((resolve) => worker.once('message', resolve));
  const waiting = new Map();
  worker.on('message', (reply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  let nextId = 1;
  const search = (query) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      worker.postMessage({ id, job: { kind: 'search', window: 1000, userId: USER, query, options: {} } });
    });

  const raw = new Database(path, { readonly: true });
  const rawSql = new SqlRunner(raw);
  const windowStatement = raw.prepare(SEARCH_STATEMENTS.WINDOW_ROWS);
  const newest = raw.prepare('SELECT coalesce(max(seq), 0) FROM chat_messages').pluck();
  const naive = raw.prepare(`
    SELECT m.id, snippet(messages_fts, 0, '[', ']', '…', 16) AS snippet, bm25(messages_fts) AS rank
    FROM messages_fts JOIN chat_messages m ON m.seq = messages_fts.rowid JOIN chat_sessions s ON s.id = m.session_id
    WHERE messages_fts MATCH ? AND s.user_id = ? ORDER BY rank LIMIT 21`);
  const rawWindow = (q) => {
    const match = buildMatchExpression(q, (p) =>
      /^[A-Za-z0-9]+$/.test(p) ? prefixTerms(rawSql, p.toLowerCase()) : undefined,
    );
    return match ? windowStatement.all({ match, user: USER, from: 0, to: newest.get(), window: 1000 }) : [];
  };
  const like = (q) => {
    const words = tokenizeQuery(q);
    if (words.length === 0) return [];
    const sql = `SELECT m.id, m.content FROM chat_messages m CROSS JOIN chat_sessions s
      WHERE s.id = m.session_id AND s.user_id = ? AND ${words.map(() => "m.content LIKE ? ESCAPE '\\'").join(' AND ')}
      ORDER BY m.seq DESC LIMIT 21`;
    return raw.prepare(sql).all(USER, ...words.map((w) => `%${w.replace(/[\\%_]/g, '\\$&')}%`));
  };
  const segments = raw.prepare('SELECT count(DISTINCT segid) FROM messages_fts_idx').pluck();

  const gen = textGenerator(7);
  const contents = Array.from({ length: 64 }, gen.message);
  const pick = (i) => sessionIds[(i * 7919) % sessionIds.length];
  for (let i = 0; i < 100; i++) await store.messages.list(USER, pick(i), { order: 'desc', limit: 50 });
  for (const q of QUERIES) for (let i = 0; i < 3; i++) await search(q);

  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 250; i++)
      await store.messages.append(USER, pick(i), { role: 'user', content: contents[i % 64] });
    for (let i = 0; i < 250; i++) await store.messages.list(USER, pick(i + round), { order: 'desc', limit: 50 });
    console.error(`round ${round}: ${segments.get()} index segments after the appends`);
    for (const q of QUERIES) {
      for (let rep = 0; rep < 10; rep++) {
        mainCollections = [];
        const t0 = performance.now();
        const reply = await search(q);
        samples.push({ round, query: q, rep, roundTrip: performance.now() - t0, ...reply, mainCollections });
      }
      if (!BASELINES) continue;
      for (let rep = 0; rep < 10; rep++) rawWindow(q);
      const m = buildMatchExpression(q);
      for (let i = 0; i < 3; i++) if (m) naive.all(m, USER);
      for (let i = 0; i < 3; i++) like(q);
    }
  }
  await worker.terminate();
  raw.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (process.env.TAILS_OUT) writeFileSync(process.env.TAILS_OUT, JSON.stringify(samples));

const f = (x) => x.toFixed(1);
console.log(
  `\nmemory map ${MMAP} bytes, baselines ${BASELINES ? 'on' : 'off'}, load average ${os.loadavg()[0].toFixed(1)}`,
);
console.log(
  '| Query | p50 (ms) | p95 (ms) | first in round: wall / CPU / run-queue wait (ms), minor faults | later runs: wall / CPU / wait, faults | main-thread GC in round trips (count, max ms) |',
);
console.log('| --- | ---: | ---: | --- | --- | --- |');
for (const q of QUERIES) {
  const all = samples.filter((s) => s.query === q);
  const first = all.filter((s) => s.rep === 0);
  const later = all.filter((s) => s.rep > 0);
  const row = (xs) =>
    `${f(median(xs.map((s) => s.roundTrip)))} / ${f(median(xs.map((s) => s.cpu)))} / ${f(median(xs.map((s) => s.wait)))}, ${median(xs.map((s) => s.minorFaults))}`;
  const gcs = all.flatMap((s) => s.mainCollections);
  console.log(
    `| \`${q}\` | ${f(
      pct(
        all.map((s) => s.roundTrip),
        0.5,
      ),
    )} | ${f(
      pct(
        all.map((s) => s.roundTrip),
        0.95,
      ),
    )} | ${row(first)} | ${row(later)} | ${gcs.length}, ${f(Math.max(0, ...gcs))} |`,
  );
}
