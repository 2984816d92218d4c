// Benchmark of @chat-studio/chat-store against the same SQL on raw better-sqlite3: fills 100,000 messages in
// 1,000 sessions, then measures append, list-page and search latency. Run with `pnpm bench:store`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openChatStore, buildMatchExpression, ONE_BRANCH_PER_CHAT_SQL } from '../packages/chat-store/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// better-sqlite3 and ulid are the store's dependencies, not the root's: resolve them from the package.
const requireFromStore = createRequire(join(root, 'packages/chat-store/package.json'));
const Database = requireFromStore('better-sqlite3');
const { monotonicFactory } = requireFromStore('ulid');

const SESSIONS = 1_000;
const MESSAGES = 100_000;
const USER = 'bench-user';
const REPS = { append: Number(process.env.BENCH_REPS_APPEND ?? 2_000), list: 2_000, search: Number(process.env.BENCH_REPS_SEARCH ?? 40) };

// Deterministic text: a seeded PRNG and a Zipf-like pick, so common words are common and rare ones are rare.
function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261128);
const COMMON = `the of and to a in is it you that he was for on are with as I his they be at one have this from or had by
not word but what some we can out other were all there when up use your how said an each she which do their time if will
way about many then them write would like so these her long make thing see him two has look more day could go come did
number sound no most people my over know water than call first who may down side been now find any new work part take
get place made live where after back little only round man year came show every good me give our under name very through
just form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does
set three want air well also play small end put home read hand port large spell add even land here must big high such`.split(/\s+/);
const TOPICAL = `model token prompt reply context window temperature sampling llama quantization gguf inference server
database sqlite index query search snippet ranking migration backup vacuum checkpoint journal transaction cursor
recipe garlic onion tomato basil pasta risotto oven simmer saucepan dough yeast flour butter sugar lemon pepper
travel train ticket airport hotel museum castle mountain river lake beach harbor ferry passport luggage itinerary
python typescript javascript compiler function variable closure promise async await module package dependency
garden tomato seedling compost mulch pruning orchard blossom harvest irrigation greenhouse soil fertilizer
history empire dynasty revolution treaty parliament monarchy republic senate constitution archive manuscript
music guitar piano melody chord rhythm tempo harmony orchestra symphony concerto violin cello trumpet drums
astronomy telescope galaxy nebula planet orbit comet asteroid eclipse satellite constellation spectrum gravity
café crème brûlée naïve résumé façade jalapeño piñata über zürich`.split(/\s+/);
const RARE = Array.from({ length: 3000 }, (_, i) => `term${i.toString(36)}x`);
const zipf = (arr, s = 1.1) => {
  const weights = arr.map((_, i) => 1 / (i + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  return () => {
    const r = rand();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return arr[lo];
  };
};
const pickCommon = zipf(COMMON, 1.0);
const pickTopical = zipf(TOPICAL, 0.8);
const pickRare = zipf(RARE, 1.2);
function sentence() {
  const n = 4 + Math.floor(rand() * 14);
  const words = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    words.push(r < 0.6 ? pickCommon() : r < 0.97 ? pickTopical() : pickRare());
  }
  const s = words.join(' ');
  return s[0].toUpperCase() + s.slice(1) + (rand() < 0.15 ? '?' : '.');
}
function message() {
  const n = 1 + Math.floor(rand() * (rand() < 0.3 ? 12 : 4));
  return Array.from({ length: n }, sentence).join(' ');
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
};
const ms = (x) => x.toFixed(3);

async function time(reps, fn) {
  const out = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

const dir = mkdtempSync(join(os.tmpdir(), 'chat-store-bench-'));
const path = join(dir, 'bench.db');
// BENCH_KEEP_DB=1 keeps the filled database for poking at query plans afterwards.
const keep = process.env.BENCH_KEEP_DB === '1';
try {
  const store = await openChatStore({ path });
  const sessionIds = [];
  for (let i = 0; i < SESSIONS; i++) sessionIds.push((await store.sessions.create(USER, { title: `Session ${i}: ${sentence().slice(0, 40)}` })).id);

  // Fill through a second connection in one transaction: the bench measures queries, not 100k separate commits.
  const raw = new Database(path);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  const newId = monotonicFactory();
  const insert = raw.prepare(`INSERT INTO chat_messages (id, session_id, role, content, created_at, status) VALUES (?, ?, ?, ?, ?, 'complete')`);
  const t0 = performance.now();
  const start = Date.now() - MESSAGES * 1000;
  raw.transaction(() => {
    for (let i = 0; i < MESSAGES; i++) {
      // Sessions fill in order, like real chats: each gets a run of consecutive messages.
      const session = sessionIds[Math.floor((i * SESSIONS) / MESSAGES)];
      insert.run(newId(), session, i % 2 ? 'assistant' : 'user', message(), start + i * 1000);
    }
    // One branch per chat, as the store's own appends would have made them.
    for (const statement of ONE_BRANCH_PER_CHAT_SQL) raw.exec(statement);
  })();
  const fillMs = performance.now() - t0;
  raw.exec('ANALYZE');
  await store.maintenance.optimizeSearchIndex();
  const stats = await store.maintenance.stats();

  // Raw equivalents of the store's hot paths, same SQL shape, on the raw connection.
  const rawTouch = raw.prepare('UPDATE chat_sessions SET updated_at = max(updated_at, ?) WHERE id = ? AND user_id = ?');
  const rawInsert = raw.prepare(`INSERT INTO chat_messages (id, session_id, role, content, created_at, status, model_id, prompt_tokens,
    completion_tokens, time_to_first_token_ms, tokens_per_second, finish_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const rawAppend = raw.transaction((sid, content) => {
    const now = Date.now();
    if (rawTouch.run(now, sid, USER).changes === 0) return undefined;
    rawInsert.run(newId(), sid, 'user', content, now, 'complete', null, null, null, null, null, null);
    return true;
  });
  const rawOwned = raw.prepare('SELECT 1 FROM chat_sessions WHERE id = ? AND user_id = ?');
  const rawList = raw.prepare(`SELECT seq, id, session_id, role, content, created_at, status, model_id, prompt_tokens, completion_tokens,
    time_to_first_token_ms, tokens_per_second, finish_reason FROM chat_messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`);
  // The store's search SQL (newest-matches window, then bm25 + snippet in one statement), run by hand.
  const WINDOW = 1000;
  const rawNewest = raw.prepare('SELECT max(seq) FROM chat_messages').pluck();
  const rawWindowStart = raw.prepare(`SELECT f.rowid FROM messages_fts f JOIN chat_messages m ON m.seq = f.rowid
    JOIN chat_sessions s ON s.id = m.session_id WHERE messages_fts MATCH @match AND s.user_id = @user
    ORDER BY f.rowid DESC LIMIT 1 OFFSET @skip`).pluck();
  const rawRanked = raw.prepare(`
    SELECT m.id AS message_id, m.session_id, s.title AS session_title, m.role, m.created_at,
      snippet(messages_fts, 0, '\uE000', '\uE001', '…', 16) AS snippet, bm25(messages_fts) AS rank
    FROM messages_fts f JOIN chat_messages m ON m.seq = f.rowid JOIN chat_sessions s ON s.id = m.session_id
    WHERE messages_fts MATCH @match AND s.user_id = @user AND f.rowid BETWEEN @from AND @to
    ORDER BY rank, f.rowid DESC LIMIT @limit OFFSET 0`);
  const rawSearchSame = (match) => {
    const to = rawNewest.get() ?? 0;
    const from = rawWindowStart.get({ match, user: USER, skip: WINDOW - 1 }) ?? 0;
    return rawRanked.all({ match, user: USER, from, to, limit: 21 });
  };
  // The plain single statement one would write first: bm25 over every match, no window.
  const rawSearch = raw.prepare(`
    SELECT m.id AS message_id, m.session_id, s.title AS session_title, m.role, m.created_at,
      snippet(messages_fts, 0, '\uE000', '\uE001', '…', 16) AS snippet, bm25(messages_fts) AS rank
    FROM messages_fts JOIN chat_messages m ON m.seq = messages_fts.rowid JOIN chat_sessions s ON s.id = m.session_id
    WHERE messages_fts MATCH ? AND s.user_id = ? ORDER BY rank LIMIT ?`);

  const queries = [
    'garlic', 'pasta risotto', 'telescope galaxy', 'migration backup sqlite', 'crème brûlée', 'zurich',
    'term1x', 'term2kx', 'recip', 'orchestra violin cello', 'how to write a good prompt', 'NEAR("model" OR -token)',
    'nonexistentword', 'the', 'python async', 'passport luggage hotel',
  ];
  const contents = Array.from({ length: 64 }, message);
  const pick = (i) => sessionIds[(i * 7919) % SESSIONS];

  // Warm up both paths (statement caches, page cache) before timing.
  for (let i = 0; i < 200; i++) {
    await store.messages.list(USER, pick(i), { order: 'desc', limit: 50 });
    rawList.all(pick(i), Number.MAX_SAFE_INTEGER, 51);
  }
  for (const q of queries) {
    await store.search(USER, q);
    const m = buildMatchExpression(q);
    if (m) rawSearchSame(m);
  }

  // Interleave store and raw in rounds so drift (WAL growth, page cache) hits both equally.
  const results = { append: { store: [], raw: [] }, list: { store: [], raw: [] }, search: { store: [], raw: [] }, naive: { store: [], raw: [] } };
  const perQuery = new Map(queries.map((q) => [q, { store: [], raw: [], naive: [], hits: 0 }]));
  for (let round = 0; round < 4; round++) {
    results.append.store.push(...(await time(REPS.append / 4, (i) => store.messages.append(USER, pick(i), { role: 'user', content: contents[i % 64] }))));
    results.append.raw.push(...(await time(REPS.append / 4, (i) => rawAppend(pick(i), contents[i % 64]))));
    results.list.store.push(...(await time(REPS.list / 4, (i) => store.messages.list(USER, pick(i + round), { order: 'desc', limit: 50 }))));
    results.list.raw.push(
      ...(await time(REPS.list / 4, (i) => {
        if (!rawOwned.get(pick(i + round), USER)) throw new Error('missing');
        return rawList.all(pick(i + round), Number.MAX_SAFE_INTEGER, 51);
      })),
    );
    for (const q of queries) {
      const m = buildMatchExpression(q);
      const entry = perQuery.get(q);
      const st = await time(REPS.search / 4, () => store.search(USER, q));
      const rt = await time(REPS.search / 4, () => (m ? rawSearchSame(m) : []));
      const nt = await time(Math.max(1, REPS.search / 8), () => (m ? rawSearch.all(m, USER, 21) : []));
      entry.store.push(...st);
      entry.raw.push(...rt);
      entry.naive.push(...nt);
      results.naive.raw.push(...nt);
      results.search.store.push(...st);
      results.search.raw.push(...rt);
    }
  }
  for (const q of queries) perQuery.get(q).hits = (await store.search(USER, q, { limit: 100 })).items.length;

  const rows = [
    ['append (1 message, own transaction)', results.append],
    ['list page (50 newest of a session)', results.list],
    [`search (${queries.length} queries, 20 hits)`, results.search],
  ].map(([name, r]) => ({
    name,
    storeP50: pct(r.store, 0.5),
    storeP95: pct(r.store, 0.95),
    rawP50: pct(r.raw, 0.5),
    rawP95: pct(r.raw, 0.95),
  }));

  const sqliteVersion = raw.prepare('SELECT sqlite_version() AS v').get().v;
  raw.close();
  await store.close();

  const env = `Node ${process.version}, SQLite ${sqliteVersion}, ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${os.platform()} ${os.release()}`;
  const table = [
    '| Operation | store p50 (ms) | store p95 (ms) | raw SQL p50 (ms) | raw SQL p95 (ms) | store/raw p50 | store/raw p95 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) =>
      `| ${r.name} | ${ms(r.storeP50)} | ${ms(r.storeP95)} | ${ms(r.rawP50)} | ${ms(r.rawP95)} | ${(r.storeP50 / r.rawP50).toFixed(2)}x | ${(r.storeP95 / r.rawP95).toFixed(2)}x |`,
    ),
  ];
  table.push(
    `| search, naive single statement (bm25 over every match; no window) | | | ${ms(pct(results.naive.raw, 0.5))} | ${ms(pct(results.naive.raw, 0.95))} | | |`,
  );
  const queryTable = [
    '| Query | hits (≤100) | store p50 (ms) | store p95 (ms) | raw same SQL p50 (ms) | raw same SQL p95 (ms) | naive p50 (ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...queries.map((q) => {
      const e = perQuery.get(q);
      return `| \`${q}\` | ${e.hits} | ${ms(pct(e.store, 0.5))} | ${ms(pct(e.store, 0.95))} | ${ms(pct(e.raw, 0.5))} | ${ms(pct(e.raw, 0.95))} | ${ms(pct(e.naive, 0.5))} |`;
    }),
  ];

  console.log(`\nchat-store benchmark: ${MESSAGES.toLocaleString('en')} messages in ${SESSIONS.toLocaleString('en')} sessions (one user)`);
  console.log(`fill: ${(fillMs / 1000).toFixed(1)} s in one transaction; file ${(stats.fileSizeBytes / 1e6).toFixed(1)} MB; ${env}\n`);
  console.log(table.join('\n'));
  console.log('\n' + queryTable.join('\n') + '\n');

  const date = new Date().toISOString().slice(0, 10);
  const section = [
    '## Store',
    '',
    `Measured ${date} with \`pnpm bench:store\` (bench/store.bench.mjs): a temporary database filled with`,
    `${MESSAGES.toLocaleString('en')} generated English-like messages in ${SESSIONS.toLocaleString('en')} sessions of one user`,
    `(fill: ${(fillMs / 1000).toFixed(1)} s in one transaction; file ${(stats.fileSizeBytes / 1e6).toFixed(1)} MB).`,
    '"raw SQL" runs the same SQL statements on a second better-sqlite3 connection with the same pragmas, so store/raw is',
    'the cost of the store itself (kysely setup, async API, mapping to protocol shapes). Search ranks by bm25 among the',
    `user's newest ${WINDOW} matches (\`searchWindow\`); the "naive" line is the single statement that scores every match,`,
    'for comparison.',
    `Append: ${REPS.append} samples; list: ${REPS.list}; search: ${REPS.search} runs of each of ${queries.length} queries.`,
    `Environment: ${env}.`,
    '',
    ...table,
    '',
    'Search per query:',
    '',
    ...queryTable,
    '',
  ].join('\n');

  const docPath = join(root, 'docs/benchmarks.md');
  mkdirSync(dirname(docPath), { recursive: true });
  let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
  const startIdx = doc.search(/^## Store\s*$/m);
  if (startIdx >= 0) {
    const rest = doc.slice(startIdx + 1);
    const next = rest.search(/^## /m);
    doc = doc.slice(0, startIdx) + section + (next >= 0 ? '\n' + rest.slice(next) : '');
  } else {
    doc = doc.replace(/\n*$/, '\n\n') + section;
  }
  writeFileSync(docPath, doc.replace(/\n{3,}/g, '\n\n'));
  console.log(`wrote the "## Store" section of ${docPath}`);
} finally {
  if (keep) console.log(`kept ${path}`);
  else rmSync(dir, { recursive: true, force: true });
}
