// `pnpm bench:stream`: the native `/api/chat/stream` against `/v1/chat/completions` on the same server (issue #18,
// the native stream's gap), with and without the full-text index following the partial writes. Two API servers on
// the test model (1 thread), each on its own SQLite file: "final only" is this version (a reply being generated is
// indexed once, at its final store: migration 2026_12_25_130000); "every flush" has the old triggers put back in
// its file (each partial write re-indexes the whole growing reply). Rounds alternate which server goes first; in
// each, every server streams BENCH_STREAM_REPLIES replies of BENCH_STREAM_TOKENS tokens (default 5 of 400) through
// each endpoint after a warm-up. Tokens/s from the client's first token to its last. Prints JSON lines and a
// Markdown table; writes nothing to docs (record figures by hand, with the load).
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { median, ROOT, readSse, startApiServer } from './lib.mjs';

const { openChatStore } = await import(pathToFileURL(path.join(ROOT, 'packages/chat-store/dist/index.js')).href);

const ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 3);
const REPLIES = Number(process.env.BENCH_STREAM_REPLIES ?? 5);
const TOKENS = Number(process.env.BENCH_STREAM_TOKENS ?? 400);
const MODELS_DIR = process.env.TEST_MODELS_DIR ?? process.env.MODELS_DIR ?? path.join(ROOT, 'models');
const MODEL = process.env.BENCH_MODEL_FILE ?? 'stories260K.gguf';
const PROMPT = 'Once upon a time';
/** Store phase: replies per mode and round, and the reply lengths in tokens (16 a flush, 4 characters a token). */
const STORE_REPLIES = Number(process.env.BENCH_STREAM_STORE_REPLIES ?? 20);
const STORE_LENGTHS = (process.env.BENCH_STREAM_STORE_TOKENS ?? '400,2000').split(',').map(Number);
const PIECE = 'a tale of the sea, '.repeat(4).slice(0, 64);

/** The triggers before migration 2026_12_25_130000: every change of `content` re-indexed the row. */
const OLD_TRIGGERS = [
  `CREATE TRIGGER chat_messages_fts_ai AFTER INSERT ON chat_messages BEGIN
    INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
  END`,
  `CREATE TRIGGER chat_messages_fts_ad AFTER DELETE ON chat_messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
  END`,
  `CREATE TRIGGER chat_messages_fts_au AFTER UPDATE OF content, session_id ON chat_messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
    INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
  END`,
];

/** CPU ms a thread of `pid` has used (Linux `/proc`; NaN elsewhere): the main thread by default, or all threads. */
function cpuMs(pid, tid = pid) {
  try {
    const stat = fs.readFileSync(tid === 'all' ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

const rate = (tokens, first, last) => (tokens > 1 && last > first ? (tokens - 1) / ((last - first) / 1000) : NaN);

/** One native reply in a new chat: tok/s. */
async function nativeStream(baseUrl) {
  const session = await (
    await fetch(`${baseUrl}/api/chat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
  ).json();
  const res = await fetch(`${baseUrl}/api/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: session.id, message: PROMPT, params: { max_tokens: TOKENS, temperature: 0.8 } }),
  });
  const { first, last, events } = await readSse(res, (e) => (e.type === 'token' ? e.text : undefined));
  const done = events.find((e) => e.type === 'done');
  if (!done) throw new Error(`/api/chat/stream ended without done: ${JSON.stringify(events.at(-1))}`);
  return { tokens: done.stats.completion_tokens, rate: rate(done.stats.completion_tokens, first, last) };
}

/** One `/v1/chat/completions` stream: tok/s. */
async function openAiStream(baseUrl) {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL.replace(/\.gguf$/, ''),
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: TOKENS,
      temperature: 0.8,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  const { first, last, events } = await readSse(res, (e) => e.choices?.[0]?.delta?.content);
  const tokens = events.findLast((e) => e.usage)?.usage?.completion_tokens ?? 0;
  return { tokens, rate: rate(tokens, first, last) };
}

/** An API server on its own database file, ready to generate. */
async function startServer(dbPath) {
  const server = await startApiServer({
    MODELS_DIR,
    CHAT_MODEL: MODEL.replace(/\.gguf$/, ''),
    DATABASE_PATH: dbPath,
    LLAMA_THREADS: '1',
    CHAT_CACHE_TTL: '0',
  });
  const deadline = performance.now() + 300_000;
  for (;;) {
    const status = await (await fetch(`${server.baseUrl}/api/llm/status`)).json();
    if (status.state === 'ready') return server;
    if (status.state === 'error' || performance.now() > deadline)
      throw new Error(`model not ready: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Puts the old (re-index on every write) triggers into a migrated database file. */
function restoreOldTriggers(dbPath) {
  const Database = createRequire(path.join(ROOT, 'packages/chat-store/package.json'))('better-sqlite3');
  const db = new Database(dbPath);
  db.exec('BEGIN');
  for (const name of ['chat_messages_fts_ai', 'chat_messages_fts_ad', 'chat_messages_fts_au'])
    db.exec(`DROP TRIGGER ${name}`);
  for (const ddl of OLD_TRIGGERS) db.exec(ddl);
  db.exec('COMMIT');
  db.close();
}

/**
 * The store's side alone, in CPU time of this process: one reply's flushes as the chat turn writes them (a placeholder,
 * `appendPartial` every 16 tokens, the final `update`), `streaming` set ("final only") or not ("every flush": the
 * placeholder indexed and re-indexed at each flush, as before migration 2026_12_25_130000, whose triggers and
 * generated column follow the same rows on either engine). Median CPU ms per reply.
 */
async function storePhase(tmp) {
  const stores = { sqlite: await openChatStore({ path: path.join(tmp, 'store.db') }) };
  const throwaway = process.env.DATABASE_URL_TEST ? await throwawayDatabase(process.env.DATABASE_URL_TEST) : undefined;
  if (throwaway) stores.postgres = await openChatStore({ url: throwaway.url });
  const rows = [];
  for (const [engine, store] of Object.entries(stores)) {
    const user = `bench-${Date.now()}`;
    const session = await store.sessions.create(user);
    for (const tokens of STORE_LENGTHS) {
      const times = { 'final only': [], 'every flush': [] };
      for (let i = 0; i < STORE_REPLIES; i++) {
        for (const mode of i % 2 === 0 ? ['final only', 'every flush'] : ['every flush', 'final only']) {
          const cpu = process.cpuUsage();
          const started = performance.now();
          const reply = await store.messages.append(user, session.id, {
            role: 'assistant',
            content: '',
            status: 'partial',
            streaming: mode === 'final only',
          });
          let text = '';
          for (let sent = 0; sent < tokens; sent += 16) {
            await store.messages.appendPartial(user, reply.id, PIECE);
            text += PIECE;
          }
          await store.messages.update(user, reply.id, { content: text, status: 'complete', finish_reason: 'length' });
          const used = process.cpuUsage(cpu);
          // PostgreSQL's work is in its own process: wall time there, CPU time of this process on SQLite.
          times[mode].push(engine === 'sqlite' ? (used.user + used.system) / 1000 : performance.now() - started);
        }
      }
      rows.push({ engine, tokens, final: median(times['final only']), every: median(times['every flush']) });
      console.log(JSON.stringify(rows.at(-1)));
    }
    await store.sessions.delete(user, session.id);
    await store.close();
  }
  await throwaway?.drop();
  return rows;
}

/** A database of its own on the server of `url`, so the bench never migrates a database anything else uses. */
async function throwawayDatabase(url) {
  const pg = createRequire(path.join(ROOT, 'packages/chat-store/package.json'))('pg');
  const admin = async (text) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const name = `chat_bench_stream_${process.pid}_${Date.now().toString(36)}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return { url: own.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** One stream through `run` on `server`, its tok/s and the CPU time it cost the server, added to `sample`. */
async function measured(server, run, sample) {
  const main = cpuMs(server.pid);
  const all = cpuMs(server.pid, 'all');
  const { tokens, rate: tokPerS } = await run(server.baseUrl);
  sample.rates.push(tokPerS);
  sample.tokens += tokens;
  sample.main += cpuMs(server.pid) - main;
  sample.all += cpuMs(server.pid, 'all') - all;
}

/**
 * Both endpoints on two API servers, one per index mode, in alternating rounds: tok/s (load-sensitive on a shared
 * machine) and the server's CPU time per token, on its main thread and in all (steadier under load).
 */
async function serverPhase(tmp) {
  const files = { 'final only': path.join(tmp, 'final.db'), 'every flush': path.join(tmp, 'every.db') };
  // Migrate the "every flush" file first, then swap its triggers.
  await (await startServer(files['every flush'])).stop();
  restoreOldTriggers(files['every flush']);
  const servers = {
    'final only': await startServer(files['final only']),
    'every flush': await startServer(files['every flush']),
  };
  const blank = () => ({ rates: [], tokens: 0, main: 0, all: 0 });
  const samples = Object.fromEntries(Object.keys(servers).map((k) => [k, { native: blank(), v1: blank() }]));
  const loads = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? Object.keys(servers) : Object.keys(servers).reverse();
    for (const name of order) {
      const server = servers[name];
      await nativeStream(server.baseUrl);
      await openAiStream(server.baseUrl);
      for (let i = 0; i < REPLIES; i++) {
        await measured(server, nativeStream, samples[name].native);
        await measured(server, openAiStream, samples[name].v1);
      }
      loads.push(os.loadavg()[0]);
      console.log(JSON.stringify({ round, index: name, ...samples[name] }));
    }
  }
  for (const server of Object.values(servers)) await server.stop();
  console.log(
    `\n${ROUNDS} rounds × ${REPLIES} replies of ${TOKENS} tokens, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}\n`,
  );
  console.log(
    '| Full-text index follows | Endpoint | tok/s (median) | Server CPU µs per token, main thread | all threads |',
  );
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const [name, s] of Object.entries(samples)) {
    /** @type {[string, { rates: number[]; tokens: number; main: number; all: number }][]} */
    const endpoints = [
      ['`/api/chat/stream`', s.native],
      ['`/v1/chat/completions`', s.v1],
    ];
    for (const [endpoint, e] of endpoints) {
      const perToken = (ms) => ((ms * 1000) / e.tokens).toFixed(0);
      console.log(
        `| ${name} | ${endpoint} | ${median(e.rates).toFixed(1)} | ${perToken(e.main)} | ${perToken(e.all)} |`,
      );
    }
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-studio-stream-index-'));
try {
  const storeRows = await storePhase(tmp);
  console.log(
    '\n| Engine | Reply (tokens) | Flushes | ms per reply, every flush | final only | Final only / every flush |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of storeRows) {
    console.log(
      `| ${r.engine} | ${r.tokens} | ${Math.ceil(r.tokens / 16)} | ${r.every.toFixed(1)} | ${r.final.toFixed(1)} | **${(r.final / r.every).toFixed(2)}×** |`,
    );
  }
  if (process.env.BENCH_STREAM_ONLY !== 'store') await serverPhase(tmp);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
