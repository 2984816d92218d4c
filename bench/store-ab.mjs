// A/B of the SQLite search between two builds of chat-store on the store bench's corpus, robust to a shared machine:
// both builds run in this one process, interleaved (which goes first swaps every cycle), each on its own read-only
// connection with the read-pool worker's settings, after the same writes; per search it takes the wall time and
// the process's CPU time (user + system, which waiting for a core does not inflate the way it does wall time), and
// it checks that both builds return the same page. "cold" is the first search of a query after a batch of writes
// (a WAL reader then starts with an empty page cache), "warm" the two after it.
//   git worktree add /tmp/ab-old <commit> && (cd /tmp/ab-old && pnpm install && pnpm build)
//   STORE_AB_OLD=/tmp/ab-old/packages/chat-store/dist node bench/store-ab.mjs
// STORE_AB_CYCLES (8) batches of STORE_AB_WRITES (25) appends; STORE_AB_QUERIES='a|b' (default: the three slowest
// queries of bench:store). Works on a copy of the cached corpus (BENCH_MESSAGES, BENCH_SESSIONS as bench:store).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openChatStore } from '../packages/chat-store/dist/index.js';
import { openDatabase, SqlRunner } from '../packages/chat-store/dist/sqlite/connection/index.js';
import { searchSync } from '../packages/chat-store/dist/sqlite/repositories/search.repository.js';
import { storeCorpus, textGenerator, USER } from './store-corpus.mjs';

if (!process.env.STORE_AB_OLD) throw new Error('STORE_AB_OLD: the dist folder of the other chat-store build');
const oldSearch = (
  await import(pathToFileURL(join(resolve(process.env.STORE_AB_OLD), 'sqlite/repositories/search.repository.js')).href)
).searchSync;
const arms = { old: oldSearch, new: searchSync };
const CYCLES = Number(process.env.STORE_AB_CYCLES ?? 8);
const WRITES = Number(process.env.STORE_AB_WRITES ?? 25);
const QUERIES = (process.env.STORE_AB_QUERIES ?? 'term2kx|passport luggage hotel|how to write a good prompt').split(
  '|',
);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(os.tmpdir(), 'chat-store-ab-'));
try {
  const corpus = await storeCorpus(dir, {
    sessions: Number(process.env.BENCH_SESSIONS ?? 10_000),
    messages: Number(process.env.BENCH_MESSAGES ?? 1_000_000),
  });
  const store = await openChatStore({ path: corpus.path, readPool: 0, optimize: false });
  const open = () => {
    const raw = openDatabase({ path: corpus.path, readonly: true, busyTimeoutMs: 5000 });
    raw.pragma('cache_size = -32768');
    return new SqlRunner(raw);
  };
  const connections = { old: open(), new: open() };
  const gen = textGenerator(11);
  /** @type {Map<string, { wall: number[]; cpu: number[] }>} */
  const samples = new Map();
  let differing = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (let i = 0; i < WRITES; i++) {
      const session = corpus.sessionIds[(cycle * WRITES + i) % corpus.sessionIds.length];
      await store.messages.append(USER, session, { role: 'user', content: gen.message() });
    }
    for (const query of QUERIES) {
      const order = cycle % 2 ? ['old', 'new'] : ['new', 'old'];
      const pages = {};
      for (let k = 0; k < 3; k++)
        for (const arm of order) {
          const c0 = cpuMs();
          const t0 = performance.now();
          pages[arm] = JSON.stringify(arms[arm](connections[arm], 1000, USER, query, {}));
          const key = `${query}\t${arm}\t${k === 0 ? 'cold' : 'warm'}`;
          if (!samples.has(key)) samples.set(key, { wall: [], cpu: [] });
          samples.get(key).wall.push(performance.now() - t0);
          samples.get(key).cpu.push(cpuMs() - c0);
        }
      if (pages.old !== pages.new) differing++;
    }
  }
  const load = os.loadavg()[0].toFixed(1);
  console.log(`| Query | after writes | old CPU p50 (ms) | new CPU p50 (ms) | old wall p50 (ms) | new wall p50 (ms) |`);
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const query of QUERIES)
    for (const when of ['cold', 'warm']) {
      const [o, n] = ['old', 'new'].map((arm) => samples.get(`${query}\t${arm}\t${when}`));
      const f = (xs) => median(xs).toFixed(1);
      console.log(`| \`${query}\` | ${when} | ${f(o.cpu)} | ${f(n.cpu)} | ${f(o.wall)} | ${f(n.wall)} |`);
    }
  console.log(`\nPages that differ between the builds: ${differing} of ${CYCLES * QUERIES.length}. Load ${load}.`);
  for (const sql of Object.values(connections)) sql.raw.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
