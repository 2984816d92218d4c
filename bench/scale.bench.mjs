// pnpm bench:scale — requests/s and p50/p95 latency of list, append and search through real API processes, on SQLite
// and on PostgreSQL, with 1 and with 2 processes sharing the database. Writes the "Scale" section of docs/benchmarks.md.
//
// Env: BENCH_SECONDS (measured seconds per cell, 5, taken in BENCH_ROUNDS rounds, 5), BENCH_WARMUP_SECONDS (1),
// BENCH_CONCURRENCY (closed-loop workers, 8), BENCH_SESSIONS (200), BENCH_SEARCH_REPS (30), BENCH_FLOOD (searches in flight, 50), BENCH_MESSAGES (50,000), BENCH_WRITE=0 (print only), BENCH_POSTGRES=0 (SQLite only), DATABASE_URL_TEST (an admin
// PostgreSQL URL; when unset the bench starts its own `.ci/services` pair, and stops it again afterwards).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, percentile, startApiServer, writeSection } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const WRITE = process.env.BENCH_WRITE !== '0';

// The store's own drivers and id factory, not the root's: resolve them from the package.
const requireFromStore = createRequire(path.join(ROOT, 'packages/chat-store/package.json'));
const Database = requireFromStore('better-sqlite3');
const pg = requireFromStore('pg');
const { monotonicFactory } = requireFromStore('ulid');
for (const dist of [
  'apps/api/dist/server.js',
  'packages/chat-store/dist/index.js',
  'packages/security/dist/index.js',
]) {
  if (!existsSync(path.join(ROOT, dist))) throw new Error(`${dist} is missing: run pnpm build first`);
}
const { openChatStore, openPostgresStore, ONE_BRANCH_PER_CHAT_SQL } = await import(
  pathToFileURL(path.join(ROOT, 'packages/chat-store/dist/index.js')).href
);
// AUTH is off on loopback, so every request is the local user's: the seeded chats must be theirs.
const { LOCAL_USER } = await import(pathToFileURL(path.join(ROOT, 'packages/security/dist/index.js')).href);

// Deterministic text (seeded PRNG) so every run searches the same corpus.
let prng = 20261210;
const rand = () => {
  prng = (prng + 0x6d2b79f5) | 0;
  let t = Math.imul(prng ^ (prng >>> 15), 1 | prng);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const COMMON =
  'the of and to a in is it you that was for on are with as at be this from or had by not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know'.split(
    ' ',
  );
const TOPICAL =
  'model token prompt reply context temperature llama inference server database index query search snippet migration backup recipe garlic onion tomato basil pasta risotto oven travel train ticket airport hotel museum python typescript compiler function promise async module garden compost harvest history empire treaty music guitar piano melody orchestra violin astronomy telescope galaxy planet orbit comet'.split(
    ' ',
  );
const pick = (words, skew) => words[Math.floor(rand() ** skew * words.length)];
function sentence() {
  const n = 6 + Math.floor(rand() * 14);
  const words = Array.from({ length: n }, () => (rand() < 0.7 ? pick(COMMON, 2) : pick(TOPICAL, 1.5)));
  return `${words.join(' ')}.`;
}
const message = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, sentence).join(' ');
const QUERIES = [
  'garlic',
  'telescope galaxy',
  'python async',
  'backup',
  'orchestra violin',
  'the',
  'hotel museum',
  'nonexistentword',
];
/** One query per class of issue #14, timed one at a time on each database for the PostgreSQL/SQLite ratio. */
const SEARCH_CLASSES = [
  ['rare word', 'nonexistentword'],
  ['rare word', 'comet'],
  ['word in most messages', 'the'],
  ['common word', 'garlic'],
  ['phrase (quoted)', '"hotel museum"'],
  ['prefix', 'teles'],
  ['several words', 'orchestra violin'],
  ['several common words', 'what time is it'],
  ['odd characters', 'café? (python) async*'],
];
const SEARCH_REPS = Number(process.env.BENCH_SEARCH_REPS ?? 30);
/** In-flight searches of the concurrency case, and how long a request may take before it counts as timed out. */
const FLOOD = Number(process.env.BENCH_FLOOD ?? 50);
const FLOOD_TIMEOUT_MS = 10_000;
const firstSearches = [];

/**
 * CPU time (ms) the database's server processes have used so far, other than `client`'s own, read from
 * /proc/<pid>/schedstat: unlike wall time it does not grow with other work on a shared machine. Undefined when the
 * server runs elsewhere.
 */
async function serverCpuMs(client) {
  try {
    const { rows } = await client.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    let ns = 0;
    for (const { pid } of rows) ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * The first search of each class on a store opened afresh: wall time (ms) and the database server's CPU time for it.
 * `warm: false` opens the store without warming its search connections (each class then runs on a new server process,
 * as a search after the pool had closed its idle connections did); otherwise the warm-up that a server runs in the
 * background at start is awaited first, and its time reported beside.
 */
async function timeFirstSearches({ url, warm }) {
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out = [];
  try {
    for (const [cls, q] of SEARCH_CLASSES) {
      const store = await openPostgresStore({ url, warmSearch: warm });
      try {
        await store.searchReady;
        const warmMs = performance.now() - t0;
        const cpu0 = await serverCpuMs(client);
        const t1 = performance.now();
        await store.search(LOCAL_USER.id, q);
        const ms = performance.now() - t1;
        const cpu1 = await serverCpuMs(client);
        out.push({ cls, q, ms, cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0, warmMs });
      } finally {
        await store.close();
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Creates the sessions through the store (which also migrates), then inserts the messages in bulk with `insert`. */
async function seed(storeOptions, insertMessages) {
  const store = await openChatStore(storeOptions);
  const sessionIds = [];
  try {
    for (let i = 0; i < SESSIONS; i++)
      sessionIds.push((await store.sessions.create(LOCAL_USER.id, { title: `Chat ${i}` })).id);
  } finally {
    await store.close();
  }
  const newId = monotonicFactory();
  const start = Date.now() - MESSAGES * 1000;
  const rows = Array.from({ length: MESSAGES }, (_, i) => [
    newId(),
    // Sessions fill in order, like real chats: each gets a run of consecutive messages.
    sessionIds[Math.floor((i * SESSIONS) / MESSAGES)],
    i % 2 ? 'assistant' : 'user',
    message(),
    start + i * 1000,
  ]);
  const t0 = performance.now();
  await insertMessages(rows);
  return { sessionIds, seedMs: performance.now() - t0 };
}

async function seedSqlite(file) {
  return seed({ path: file }, async (rows) => {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      const insert = db.prepare(
        `INSERT INTO chat_messages (id, session_id, role, content, created_at, status) VALUES (?, ?, ?, ?, ?, 'complete')`,
      );
      db.transaction(() => {
        for (const r of rows) insert.run(...r);
      })();
      // One branch per chat, as the API would have stored them.
      for (const statement of ONE_BRANCH_PER_CHAT_SQL) db.exec(statement);
      // No ANALYZE: a user's database has none until they run maintenance; the server's PRAGMA optimize at start is all.
    } finally {
      db.close();
    }
  });
}

async function seedPostgres(url) {
  return seed({ url }, async (rows) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (let i = 0; i < rows.length; i += 1000) {
        const batch = rows.slice(i, i + 1000);
        const values = batch.map(
          (_, j) => `($${j * 5 + 1}, $${j * 5 + 2}, $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5}, 'complete')`,
        );
        await client.query(
          `INSERT INTO chat_messages (id, session_id, role, content, created_at, status) VALUES ${values.join(', ')}`,
          batch.flat(),
        );
      }
      for (const statement of ONE_BRANCH_PER_CHAT_SQL) await client.query(statement);
      // The first searches straight after the import, before any ANALYZE: plans must not depend on statistics.
      firstSearches.push(...(await timeFirstSearches({ url, warm: true })));
      // Every table, as ANALYZE does on SQLite: without chat_sessions' statistics the planner scans each chat's messages.
      await client.query('VACUUM ANALYZE');
      // The same first searches on a store opened afresh again: what a new connection costs, without the table's
      // state after the bulk writes (tuples nobody has checked yet, the GIN index's pending list); each class on a
      // store of its own, without and with the warm-up of its search connections.
      const cold = await timeFirstSearches({ url, warm: false });
      const warmed = await timeFirstSearches({ url, warm: true });
      for (const [i, f] of firstSearches.entries())
        Object.assign(f, {
          coldMs: cold[i]?.ms,
          coldCpuMs: cold[i]?.cpuMs,
          warmedMs: warmed[i]?.ms,
          warmedCpuMs: warmed[i]?.cpuMs,
          warmupMs: warmed[i]?.warmMs,
        });
    } finally {
      await client.end();
    }
  });
}

/**
 * A closed loop: `CONCURRENCY` workers each send the next request as soon as the last one answered, for `seconds`
 * after `warmupSeconds`. Adds the measured latencies (ms) and failures to `into`.
 */
async function load(targets, next, seconds, warmupSeconds, into) {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }));
  let n = 0;
  const measureFrom = performance.now() + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  const send = (target, agent, { method, path: p, body, expect }) =>
    new Promise((resolve) => {
      const req = http.request(
        `${target}${p}`,
        { method, agent, headers: body ? { 'content-type': 'application/json' } : {} },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === expect));
        },
      );
      req.on('error', () => resolve(false));
      req.end(body);
    });
  const worker = async () => {
    while (performance.now() < end) {
      const i = n++;
      const start = performance.now();
      const ok = await send(targets[i % targets.length], agents[i % targets.length], next());
      const done = performance.now();
      if (start < measureFrom || done > end) continue;
      if (ok) into.latencies.push(done - start);
      else into.errors++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const a of agents) a.destroy();
  into.seconds += seconds;
}

const session = (ids) => ids[Math.floor(rand() * ids.length)];
let queryIndex = 0;
/** @type {[string, (ids: string[]) => { method: string; path: string; expect: number; body?: unknown }][]} */
const OPERATIONS = [
  [
    'list',
    (ids) => ({ method: 'GET', path: `/api/chat/sessions/${session(ids)}/messages?limit=50&order=desc`, expect: 200 }),
  ],
  [
    'search',
    () => ({
      method: 'GET',
      path: `/api/chat/search?q=${encodeURIComponent(QUERIES[queryIndex++ % QUERIES.length])}`,
      expect: 200,
    }),
  ],
  // Last, so list and search see the seeded data and not the appends on top.
  [
    'append',
    (ids) => ({
      method: 'POST',
      path: `/api/chat/sessions/${session(ids)}/messages`,
      body: JSON.stringify({ role: 'user', content: message() }),
      expect: 201,
    }),
  ],
];

/**
 * Measures every operation on every configuration (database × 1 or 2 processes). The configurations take turns in
 * short rounds rather than one after the other, so that other work on a shared machine weighs on all of them alike.
 */
async function measure(databases) {
  const rows = [];
  const configs = databases.flatMap((db) =>
    [1, 2].map((processes) => ({ ...db, targets: db.servers.slice(0, processes).map((s) => s.baseUrl), processes })),
  );
  for (const [op, next] of OPERATIONS) {
    const cells = configs.map((c) => ({ c, latencies: [], errors: 0, seconds: 0 }));
    for (const cell of cells) await load(cell.c.targets, () => next(cell.c.sessionIds), 0, WARMUP_SECONDS, cell);
    for (let round = 0; round < ROUNDS; round++) {
      for (const cell of cells) await load(cell.c.targets, () => next(cell.c.sessionIds), SECONDS / ROUNDS, 0, cell);
    }
    for (const { c, latencies, errors, seconds } of cells) {
      const r = {
        label: c.label,
        processes: c.processes,
        op,
        rps: latencies.length / seconds,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        errors,
      };
      console.log(
        `${r.label.padEnd(10)} ${r.processes} proc ${op.padEnd(6)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  errors ${errors}`,
      );
      rows.push(r);
    }
  }
  return rows;
}

/** Two API processes on one database (the first alone is the 1-process configuration; an idle one costs nothing). */
async function startPair(env, dirs) {
  const servers = [];
  for (let i = 0; i < 2; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-scale-bench-'));
    dirs.push(dir);
    // Its own pid file and no models: the bench loads the store, not the CPU with a model.
    servers.push(
      await startApiServer({
        ...env,
        PID_FILE: path.join(dir, 'api.pid'),
        MODELS_DIR: path.join(dir, 'no-models'),
        WEB_DIST: path.join(dir, 'no-web'),
      }),
    );
  }
  return servers;
}

/**
 * DATABASE_URL_TEST, else a `.ci/services` pair of the bench's own (its own state folder, so starting and stopping it
 * never touches a pair someone else is using), with a function that stops it again; undefined when neither works.
 */
function postgresAdminUrl() {
  if (process.env.DATABASE_URL_TEST) return { url: process.env.DATABASE_URL_TEST, stop: () => {} };
  const env = {
    ...process.env,
    CHAT_STUDIO_SERVICES_DIR:
      process.env.CHAT_STUDIO_SERVICES_DIR ?? path.join(os.tmpdir(), 'chat-studio-bench-services'),
  };
  const wasRunning = existsSync(path.join(env.CHAT_STUDIO_SERVICES_DIR, 'env'));
  const services = path.join(ROOT, '.ci/services');
  try {
    const out = execFileSync(services, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const url = /DATABASE_URL_TEST=(\S+)/.exec(out)?.[1];
    if (!url) throw new Error(`no DATABASE_URL_TEST in its output: ${out}`);
    return { url, stop: () => (wasRunning ? undefined : execFileSync(services, ['stop'], { env, stdio: 'inherit' })) };
  } catch (err) {
    console.error(
      `PostgreSQL is not available (DATABASE_URL_TEST unset and .ci/services failed: ${/** @type {Error} */ (err).message}); measuring SQLite only.`,
    );
    return undefined;
  }
}

async function adminQuery(url, text) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Each class's search, one request at a time, on the first process of each database: p50 and p95 in ms. */
async function searchClasses(databases) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (url) =>
    new Promise((resolve) => {
      http
        .get(url, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        })
        .on('error', () => resolve(0));
    });
  const out = [];
  for (const [cls, q] of SEARCH_CLASSES) {
    const times = new Map(databases.map((d) => [d.label, []]));
    // Interleaved, so other work on the machine weighs on both databases alike.
    for (let i = 0; i < SEARCH_REPS + 3; i++) {
      for (const d of databases) {
        const t0 = performance.now();
        const status = await get(`${d.servers[0].baseUrl}/api/chat/search?q=${encodeURIComponent(q)}`);
        if (status !== 200) throw new Error(`search ${q} on ${d.label} answered ${status}`);
        if (i >= 3) times.get(d.label).push(performance.now() - t0);
      }
    }
    out.push({
      cls,
      q,
      by: Object.fromEntries(
        [...times].map(([label, xs]) => [label, { p50: percentile(xs, 50), p95: percentile(xs, 95) }]),
      ),
    });
  }
  agent.destroy();
  return out;
}

/**
 * FLOOD searches in flight at once (a closed loop, cycling the classes) for `seconds` on one process, while a probe
 * asks `/health` one request after another: the probe's latency, and searches that failed or timed out.
 */
async function flood(database, seconds) {
  const base = database.servers[0].baseUrl;
  // The probe has an agent of its own: in a shared one it would queue for a socket behind the searches.
  const agent = new http.Agent({ keepAlive: true, maxSockets: FLOOD });
  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (p, via = agent) =>
    new Promise((resolve) => {
      const req = http.get(`${base}${p}`, { agent: via, timeout: FLOOD_TIMEOUT_MS }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? 'ok' : 'error'));
      });
      req.on('timeout', () => {
        req.destroy();
        resolve('timeout');
      });
      req.on('error', () => resolve('error'));
    });
  const end = performance.now() + seconds * 1000;
  const result = { searches: 0, errors: 0, timeouts: 0, health: [] };
  let n = 0;
  const searcher = async () => {
    while (performance.now() < end) {
      const outcome = await request(
        `/api/chat/search?q=${encodeURIComponent(SEARCH_CLASSES[n++ % SEARCH_CLASSES.length][1])}`,
      );
      if (outcome === 'ok') result.searches++;
      else if (outcome === 'timeout') result.timeouts++;
      else result.errors++;
    }
  };
  const probe = async () => {
    await new Promise((r) => setTimeout(r, 200));
    while (performance.now() < end) {
      const t0 = performance.now();
      const outcome = await request('/health', probeAgent);
      if (outcome === 'timeout') result.timeouts++;
      result.health.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await Promise.all([...Array.from({ length: FLOOD }, searcher), probe()]);
  agent.destroy();
  probeAgent.destroy();
  return {
    label: database.label,
    rps: result.searches / seconds,
    ...result,
    p50: percentile(result.health, 50),
    p99: percentile(result.health, 99),
  };
}

const loadBefore = os.loadavg()[0];
const results = [];
const classes = [];
const floods = [];
const notes = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chat-scale-bench-db-'));
const dirs = [];
const servers = [];
let cleanup = async () => {};
try {
  const databases = [];
  const file = path.join(tmp, 'chat.db');
  const sqlite = await seedSqlite(file);
  const sqliteVersion = new Database(':memory:').prepare('select sqlite_version() AS v').get().v;
  notes.push(
    `SQLite ${sqliteVersion} (WAL, one file shared by both processes; seeded in ${(sqlite.seedMs / 1000).toFixed(1)} s)`,
  );
  databases.push({
    label: 'SQLite',
    sessionIds: sqlite.sessionIds,
    servers: await startPair({ DATABASE_PATH: file }, dirs),
  });
  servers.push(...databases[0].servers);

  // BENCH_POSTGRES=0 measures SQLite only (e.g. its concurrency case while iterating on the SQLite search).
  const admin = process.env.BENCH_POSTGRES === '0' ? undefined : postgresAdminUrl();
  if (admin) {
    const name = `chat_bench_${randomBytes(6).toString('hex')}`;
    await adminQuery(admin.url, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
    cleanup = async () => {
      await adminQuery(admin.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err) =>
        console.error(`could not drop ${name}: ${err.message}`),
      );
      admin.stop();
    };
    const url = new URL(admin.url);
    url.pathname = `/${name}`;
    const postgres = await seedPostgres(url.toString());
    const [{ server_version: version }] = await adminQuery(admin.url, 'SHOW server_version');
    notes.push(
      `PostgreSQL ${version} on the same machine (the throwaway cluster of .ci/services: fsync off; pool of 10 connections per process; seeded in ${(postgres.seedMs / 1000).toFixed(1)} s)`,
    );
    databases.push({
      label: 'PostgreSQL',
      sessionIds: postgres.sessionIds,
      servers: await startPair({ DATABASE_URL: url.toString() }, dirs),
    });
    servers.push(...databases[1].servers);
  } else
    notes.push(
      process.env.BENCH_POSTGRES === '0'
        ? 'PostgreSQL: not measured (BENCH_POSTGRES=0)'
        : 'PostgreSQL: not measured (no DATABASE_URL_TEST and `.ci/services` could not start it)',
    );

  const order = (r) => [
    databases.findIndex((d) => d.label === r.label),
    r.processes,
    OPERATIONS.findIndex(([op]) => op === r.op),
  ];
  const byOrder = (x, y) =>
    order(x)
      .map((v, i) => v - order(y)[i])
      .find((d) => d !== 0) ?? 0;
  results.push(...(await measure(databases)).sort(byOrder));
  classes.push(...(await searchClasses(databases)));
  for (const d of databases) {
    const f = await flood(d, SECONDS);
    console.log(
      `${d.label}: ${FLOOD} searches in flight: ${f.rps.toFixed(0)} searches/s, /health p50 ${f.p50.toFixed(2)} ms p99 ${f.p99.toFixed(2)} ms, errors ${f.errors}, timeouts ${f.timeouts}`,
    );
    floods.push(f);
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await cleanup();
  for (const d of [tmp, ...dirs]) rmSync(d, { recursive: true, force: true });
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const table = [
  '| Database | API processes | Operation | req/s | p50 (ms) | p95 (ms) | errors |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) => `| ${r.label} | ${r.processes} | ${r.op} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${r.errors} |`,
  ),
];
const ratios = [];
for (const label of [...new Set(results.map((r) => r.label))]) {
  const parts = ['list', 'search', 'append'].map((op) => {
    const one = results.find((r) => r.label === label && r.op === op && r.processes === 1);
    const two = results.find((r) => r.label === label && r.op === op && r.processes === 2);
    return `${op} ${fmt(two.rps / one.rps)}×`;
  });
  ratios.push(`- ${label}, 2 processes vs 1 (req/s): ${parts.join(', ')}`);
}
const sqliteVsPg = ['list', 'search', 'append'].map((op) => {
  const s = results.find((r) => r.label === 'SQLite' && r.op === op && r.processes === 1);
  const p = results.find((r) => r.label === 'PostgreSQL' && r.op === op && r.processes === 1);
  return p ? `${op} ${fmt(p.rps / s.rps)}×` : undefined;
});
if (sqliteVsPg.every(Boolean)) ratios.push(`- PostgreSQL vs SQLite, 1 process (req/s): ${sqliteVsPg.join(', ')}`);

const classTable = [
  '| Class | Query | SQLite p50 (ms) | SQLite p95 (ms) | PostgreSQL p50 (ms) | PostgreSQL p95 (ms) | PostgreSQL/SQLite p50 |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ...classes.map(({ cls, q, by }) => {
    const sq = by.SQLite;
    const pq = by.PostgreSQL;
    return `| ${cls} | \`${q}\` | ${fmt(sq.p50)} | ${fmt(sq.p95)} | ${fmt(pq?.p50)} | ${fmt(pq?.p95)} | ${pq ? `${fmt(pq.p50 / sq.p50)}×` : '–'} |`;
  }),
];
const floodTable = [
  `| Database | searches/s with ${FLOOD} in flight | /health p50 (ms) | /health p99 (ms) | /health probes | failed | timed out (>${FLOOD_TIMEOUT_MS / 1000} s) |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...floods.map(
    (f) =>
      `| ${f.label} | ${fmt(f.rps, 0)} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${f.health.length} | ${f.errors} | ${f.timeouts} |`,
  ),
];
const firstTable =
  firstSearches.length === 0
    ? []
    : [
        'First search of each class on PostgreSQL on a store opened afresh for it (its search connections warmed at open,',
        'as a server does in the background at start, unless the column says "not warmed"): right after the import, before',
        'any ANALYZE, then after `VACUUM ANALYZE` not warmed and warmed. "server CPU" is the CPU time the database',
        "server's processes spent on the search (from /proc/<pid>/schedstat), which other work on the machine does not inflate:",
        '',
        '| Class | Query | after import, warmed (ms) | not warmed (ms) | not warmed: server CPU (ms) | warmed (ms) | warmed: server CPU (ms) |',
        '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
        ...firstSearches.map(
          (f) =>
            `| ${f.cls} | \`${f.q}\` | ${fmt(f.ms)} | ${fmt(f.coldMs)} | ${fmt(f.coldCpuMs)} | ${fmt(f.warmedMs)} | ${fmt(f.warmedCpuMs)} |`,
        ),
        '',
        `Opening a store and warming its search connections took ${fmt(Math.min(...firstSearches.map((f) => f.warmupMs ?? Number.NaN)))}–${fmt(Math.max(...firstSearches.map((f) => f.warmupMs ?? Number.NaN)))} ms (in the background on a server).`,
        '',
      ];
const cpus = os.cpus();
const loadAfter = os.loadavg()[0];
const body = [
  `Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench:scale\` (bench/scale.bench.mjs; needs \`pnpm build\`).`,
  `Each database is seeded with ${MESSAGES.toLocaleString('en-US')} messages in ${SESSIONS} chats of the local user (AUTH off, loopback),`,
  `then \`node apps/api/dist/server.js\` runs as 1 or 2 processes on that one database (rate limits off, no model).`,
  `A closed-loop generator in the bench process (Node \`http\`, keep-alive) keeps ${CONCURRENCY} requests in flight, spread`,
  `round-robin over the processes, for ${SECONDS} s per cell after ${WARMUP_SECONDS} s of warm-up; latency is client-side, per request.`,
  `All four configurations run at once (the 1-process rows use the first of each pair), and take turns in ${ROUNDS} rounds of`,
  `${Number((SECONDS / ROUNDS).toFixed(2))} s per operation, so that other work on the machine weighs on every cell alike.`,
  '',
  '- list: `GET /api/chat/sessions/:id/messages?limit=50&order=desc` on a random chat',
  `- search: \`GET /api/chat/search?q=…\` cycling ${QUERIES.map((q) => `\`${q}\``).join(', ')}`,
  '- append: `POST /api/chat/sessions/:id/messages` (a 1–4 sentence user message) to a random chat; measured after',
  '  list and search, so those read the seeded data only',
  '',
  `Machine: ${cpus.length} cores (${cpus[0]?.model.trim()}), Node ${process.version}, ${os.platform()} ${os.release()}. ${notes.join('. ')}.`,
  `Load average (1 min) from other work on the machine: ${loadBefore.toFixed(1)} before the run, ${loadAfter.toFixed(1)} after.`,
  `With ${cpus.length} cores, the load generator, the API processes and PostgreSQL all share the same CPUs: a second`,
  'process adds CPU contention as much as capacity here, so the 2-process rows show that the processes share one',
  'database correctly under load, not how far they scale on separate machines.',
  '',
  ...table,
  '',
  ...ratios,
  '',
  `Search per query class, one request at a time on one process of each database (${SEARCH_REPS} runs each, interleaved), through`,
  'HTTP; the last column is the PostgreSQL/SQLite ratio:',
  '',
  ...classTable,
  '',
  ...firstTable,
  `Concurrency: ${FLOOD} searches in flight at once on one process (closed loop over the classes above) for ${SECONDS} s, while a`,
  'probe asks `/health` one request after another (20 ms apart):',
  '',
  ...floodTable,
].join('\n');
console.log(`\n${body}\n`);
const failed = [
  ...results.filter((r) => r.errors > 0),
  ...floods.filter((f) => f.errors > 0 || f.timeouts > 0).map((f) => ({ label: f.label, processes: 1, op: 'flood' })),
];
if (failed.length > 0) {
  // A failed request means the cell did not measure what it names: such figures do not go into the docs.
  console.error(
    `requests failed in ${failed.map((r) => `${r.label}/${r.processes}/${r.op}`).join(', ')}; docs/benchmarks.md not written`,
  );
  process.exitCode = 1;
} else if (WRITE) writeSection('Scale', body);
