// The store bench's corpus: deterministic English-like messages of one user in a SQLite file, generated once per size
// and schema and cached outside the repository (BENCH_CACHE_DIR, default <tmp>/chat-studio-bench-cache), because a
// million messages take a minute or two to generate and index on a small machine.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ONE_BRANCH_PER_CHAT_SQL, openChatStore, STORE_MIGRATIONS } from '../packages/chat-store/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromStore = createRequire(join(root, 'packages/chat-store/package.json'));
const Database = requireFromStore('better-sqlite3');
const { monotonicFactory } = requireFromStore('ulid');

/** The user every generated chat belongs to. */
export const USER = 'bench-user';

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

/** A text generator with its own seed: `sentence()` and `message()`. */
export function textGenerator(seed = 20261128) {
  const rand = mulberry32(seed);
  const COMMON =
    `the of and to a in is it you that he was for on are with as I his they be at one have this from or had by
not word but what some we can out other were all there when up use your how said an each she which do their time if will
way about many then them write would like so these her long make thing see him two has look more day could go come did
number sound no most people my over know water than call first who may down side been now find any new work part take
get place made live where after back little only round man year came show every good me give our under name very through
just form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does
set three want air well also play small end put home read hand port large spell add even land here must big high such`.split(
      /\s+/,
    );
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
  const zipf = (arr, s) => {
    const weights = arr.map((_, i) => 1 / (i + 1) ** s);
    const total = weights.reduce((a, b) => a + b, 0);
    const cdf = [];
    let acc = 0;
    for (const w of weights) {
      acc += w / total;
      cdf.push(acc);
    }
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
  return { rand, sentence, message };
}

/**
 * Fills a new database at `path`: `sessions` chats of USER through the store (which migrates), then `messages`
 * messages in one transaction on a raw connection. Leaves it unanalyzed, as a user's database is until they run
 * `pnpm maintenance`. Returns the session ids and how long the fill took.
 */
async function fill(path, { sessions, messages }) {
  const gen = textGenerator();
  const store = await openChatStore({ path, readPool: 0 });
  const sessionIds = [];
  for (let i = 0; i < sessions; i++)
    sessionIds.push((await store.sessions.create(USER, { title: `Session ${i}: ${gen.sentence().slice(0, 40)}` })).id);
  await store.close();
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -262144');
  const newId = monotonicFactory();
  const insert = raw.prepare(
    `INSERT INTO chat_messages (id, session_id, role, content, created_at, status) VALUES (?, ?, ?, ?, ?, 'complete')`,
  );
  const t0 = performance.now();
  const start = Date.now() - messages * 1000;
  const chunk = 100_000;
  for (let from = 0; from < messages; from += chunk) {
    raw.transaction(() => {
      for (let i = from; i < Math.min(messages, from + chunk); i++) {
        // Sessions fill in order, like real chats: each gets a run of consecutive messages.
        insert.run(
          newId(),
          sessionIds[Math.floor((i * sessions) / messages)],
          i % 2 ? 'assistant' : 'user',
          gen.message(),
          start + i * 1000,
        );
      }
    })();
    if (messages >= 200_000)
      console.error(`  filled ${Math.min(messages, from + chunk).toLocaleString('en')} messages`);
  }
  // One branch per chat, as the API would have stored them (the raw inserts above set no parent links).
  for (const statement of ONE_BRANCH_PER_CHAT_SQL) raw.exec(statement);
  const fillMs = performance.now() - t0;
  raw.exec("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  return { sessionIds, fillMs };
}

/**
 * A private copy (in `dir`) of the cached corpus of this size, generating the cache first when it is missing.
 * Returns its path, the session ids, and the fill time of the cached file (`cached: true` when it was reused).
 */
export async function storeCorpus(dir, { sessions, messages }) {
  const cacheDir = process.env.BENCH_CACHE_DIR ?? join(os.tmpdir(), 'chat-studio-bench-cache');
  mkdirSync(cacheDir, { recursive: true });
  // The schema is part of the name: a new migration makes a new corpus rather than a stale one.
  const name = `store-${messages}-${sessions}-${STORE_MIGRATIONS.length}`;
  const cached = join(cacheDir, `${name}.db`);
  let fillMs;
  const reused = existsSync(cached);
  if (!reused) {
    const tmp = join(cacheDir, `${name}.${process.pid}.tmp.db`);
    console.error(`generating ${messages.toLocaleString('en')} messages into ${cached} (once; kept for later runs)`);
    ({ fillMs } = await fill(tmp, { sessions, messages }));
    for (const suffix of ['-wal', '-shm']) rmSync(tmp + suffix, { force: true });
    renameSync(tmp, cached);
  }
  const path = join(dir, 'bench.db');
  copyFileSync(cached, path);
  const raw = new Database(path, { readonly: true });
  const sessionIds = raw.prepare('SELECT id FROM chat_sessions WHERE user_id = ? ORDER BY rowid').pluck().all(USER);
  raw.close();
  return { path, sessionIds, fillMs, reused };
}
