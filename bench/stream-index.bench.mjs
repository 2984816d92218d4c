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
import { median, ROOT, startApiServer } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 3);
const REPLIES = Number(process.env.BENCH_STREAM_REPLIES ?? 5);
const TOKENS = Number(process.env.BENCH_STREAM_TOKENS ?? 400);
const MODELS_DIR = process.env.TEST_MODELS_DIR ?? process.env.MODELS_DIR ?? path.join(ROOT, 'models');
const MODEL = process.env.BENCH_MODEL_FILE ?? 'stories260K.gguf';
const PROMPT = 'Once upon a time';

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

/** Reads an SSE response: first and last times of an event whose `textOf` is non-empty, and every event. */
async function readSse(res, textOf) {
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const decoder = new TextDecoder();
  let buffered = '';
  let first = 0;
  let last = 0;
  const events = [];
  for await (const chunk of res.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end !== -1) {
      const data = buffered
        .slice(0, end)
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('');
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\n\n');
      if (!data || data === '[DONE]') continue;
      const event = JSON.parse(data);
      events.push(event);
      if (textOf(event)) {
        const now = performance.now();
        if (!first) first = now;
        last = now;
      }
    }
  }
  return { first, last, events };
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
  return rate(done.stats.completion_tokens, first, last);
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
  return rate(events.findLast((e) => e.usage)?.usage?.completion_tokens ?? 0, first, last);
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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-studio-stream-index-'));
try {
  const files = { 'final only': path.join(tmp, 'final.db'), 'every flush': path.join(tmp, 'every.db') };
  // Migrate the "every flush" file first, then swap its triggers.
  await (await startServer(files['every flush'])).stop();
  restoreOldTriggers(files['every flush']);
  const servers = {
    'final only': await startServer(files['final only']),
    'every flush': await startServer(files['every flush']),
  };
  const samples = Object.fromEntries(Object.keys(servers).map((k) => [k, { native: [], v1: [] }]));
  const loads = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? Object.keys(servers) : Object.keys(servers).reverse();
    for (const name of order) {
      const { baseUrl } = servers[name];
      await nativeStream(baseUrl);
      await openAiStream(baseUrl);
      for (let i = 0; i < REPLIES; i++) {
        samples[name].native.push(await nativeStream(baseUrl));
        samples[name].v1.push(await openAiStream(baseUrl));
      }
      loads.push(os.loadavg()[0]);
      console.log(
        JSON.stringify({
          round,
          index: name,
          native: samples[name].native.slice(-REPLIES),
          v1: samples[name].v1.slice(-REPLIES),
        }),
      );
    }
  }
  for (const server of Object.values(servers)) await server.stop();
  console.log(
    `\n${ROUNDS} rounds × ${REPLIES} replies of ${TOKENS} tokens, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}\n`,
  );
  console.log(
    '| Full-text index follows | `/api/chat/stream` tok/s (median) | `/v1` tok/s (median) | Native / `/v1` |',
  );
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, s] of Object.entries(samples)) {
    const n = median(s.native);
    const v = median(s.v1);
    console.log(`| ${name} | ${n.toFixed(1)} | ${v.toFixed(1)} | **${(n / v).toFixed(2)}×** |`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
