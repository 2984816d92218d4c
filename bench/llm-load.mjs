// Part of `pnpm bench:llm`: issue #18 item 6, generation isolated from request load. Two chat streams on the test
// model through the running API, alone and beside 8 readers (session lists, message pages, search) and 1 appender
// every 200 ms, with llama.cpp on the request thread (LLAMA_WORKER=off) and in its worker thread (the default).
// Alone: `BENCH_LLM_ONLY=load pnpm bench:llm`. Env: BENCH_LOAD_SECONDS (each phase, 20), BENCH_LOAD_ROUNDS (2),
// BENCH_LOAD_READERS (8), BENCH_LOAD_TOKENS (reply length, 400). Writes "### Streams under load" under "## LLM".
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, percentile, startApiServer } from './lib.mjs';

const { createChatClient } = await import(pathToFileURL(path.join(ROOT, 'packages/protocol/dist/index.js')).href);

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 2);
const READERS = Number(process.env.BENCH_LOAD_READERS ?? 8);
const TOKENS = Number(process.env.BENCH_LOAD_TOKENS ?? 400);
const STREAMS = 2;
const APPEND_EVERY_MS = 200;
const SEED_SESSIONS = 30;
const SEED_MESSAGES = 20;
const WORDS =
  'dog park ball cake garden rain boat tree sun moon friend happy little big red blue run jump play sing'.split(' ');
const MODES = [
  { name: 'in-process (`LLAMA_WORKER=off`)', env: { LLAMA_WORKER: 'off' } },
  { name: 'worker thread (default)', env: { LLAMA_WORKER: 'on' } },
];

let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const words = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');

/** Sessions with messages for the readers to list, page and search. */
async function seedSessions(baseUrl) {
  const client = createChatClient({ baseUrl });
  const ids = [];
  for (let s = 0; s < SEED_SESSIONS; s++) {
    const session = await client.createSession();
    ids.push(session.id);
    for (let m = 0; m < SEED_MESSAGES; m++) await append(baseUrl, session.id, m % 2 ? 'assistant' : 'user');
  }
  return ids;
}

async function append(baseUrl, sessionId, role = 'user') {
  const res = await fetch(`${baseUrl}/api/chat/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role, content: words(30) }),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`append answered ${res.status}`);
}

/** One stream's replies until `end`: tokens/s of each reply from its first token to its last. */
async function stream(client, end, into) {
  while (performance.now() < end) {
    const session = await client.createSession();
    let first = 0;
    let completion = 0;
    for await (const e of client.stream({
      session_id: session.id,
      message: 'Once upon a time',
      params: { max_tokens: TOKENS, temperature: 0.8 },
    })) {
      if (e.type === 'token' && first === 0) first = performance.now();
      if (e.type === 'done') completion = e.stats.completion_tokens;
    }
    if (completion > 1) into.push({ tokens: completion - 1, ms: performance.now() - first });
  }
}

/** A closed-loop reader cycling list, page and search until `end`, keeping each request's latency. */
async function reader(baseUrl, ids, end, into) {
  for (let i = 0; performance.now() < end; i++) {
    const id = ids[Math.floor(rand() * ids.length)];
    const url = [
      `${baseUrl}/api/chat/sessions?limit=20`,
      `${baseUrl}/api/chat/sessions/${id}/messages?limit=50`,
      `${baseUrl}/api/chat/search?q=${encodeURIComponent(WORDS[i % WORDS.length])}`,
    ][i % 3];
    const start = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) into.errors++;
    else into.latencies.push(performance.now() - start);
  }
}

async function appender(baseUrl, ids, end, into) {
  while (performance.now() < end) {
    const next = performance.now() + APPEND_EVERY_MS;
    await append(baseUrl, ids[Math.floor(rand() * ids.length)]).then(
      () => into.appends++,
      () => into.errors++,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
}

/** One phase of `seconds`: the streams, the readers (with the appender), or both, on one server. */
async function phase(server, { streams, readers }, seconds, cell) {
  const end = performance.now() + seconds * 1000;
  const client = createChatClient({ baseUrl: server.baseUrl });
  const work = [];
  if (streams) for (let s = 0; s < STREAMS; s++) work.push(stream(client, end, cell.replies[s]));
  if (readers) {
    for (let r = 0; r < READERS; r++) work.push(reader(server.baseUrl, server.ids, end, cell));
    work.push(appender(server.baseUrl, server.ids, end, cell));
  }
  await Promise.all(work);
}

const WARMUP_SECONDS = Number(process.env.BENCH_LOAD_WARMUP_SECONDS ?? 3);
const emptyCell = () => ({ replies: [[], []], latencies: [], errors: 0, appends: 0 });

const PHASES = [
  { key: 'streams', streams: true, readers: false },
  { key: 'readers', streams: false, readers: true },
  { key: 'both', streams: true, readers: true },
];

/** Tokens/s of one stream over its replies: all tokens over all generation time. */
const streamRate = (replies) =>
  replies.reduce((n, r) => n + r.tokens, 0) / (replies.reduce((ms, r) => ms + r.ms, 0) / 1000);

/** Measures every mode in every phase, taking turns in short rounds so shared-machine noise weighs on all alike. */
export async function benchLoad({ modelsDir, chatModel }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-llm-load-'));
  const servers = [];
  try {
    for (const [m, mode] of MODES.entries()) {
      const server = await startApiServer({
        ...mode.env,
        MODELS_DIR: modelsDir,
        CHAT_MODEL: chatModel,
        DATABASE_PATH: path.join(tmp, `load-${m}.db`),
        LLAMA_THREADS: '1',
        CHAT_CACHE_TTL: '0',
      });
      servers.push(server);
      const client = createChatClient({ baseUrl: server.baseUrl });
      for (let i = 0; i < 300 && (await client.llmStatus()).state !== 'ready'; i++)
        await new Promise((r) => setTimeout(r, 100));
      server.ids = await seedSessions(server.baseUrl);
    }
    // Unrecorded warm-up of every path (SQLite pages, search, the model's first replies) on each server.
    for (const server of servers) await phase(server, PHASES[2], WARMUP_SECONDS, emptyCell());
    const cells = MODES.map(() => Object.fromEntries(PHASES.map((p) => [p.key, emptyCell()])));
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of PHASES) {
        for (const [m, server] of servers.entries()) {
          console.log(`streams under load: round ${round + 1}/${ROUNDS}, ${p.key}, ${MODES[m].name}`);
          await phase(server, p, SECONDS / ROUNDS, cells[m][p.key]);
        }
      }
    }
    const rows = cells.map((c, m) => summarize(MODES[m].name, c));
    writeLoadSection(rows, chatModel);
    return rows;
  } finally {
    for (const server of servers) await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function summarize(name, cell) {
  const alone = cell.streams.replies.map(streamRate);
  const loaded = cell.both.replies.map(streamRate);
  return {
    name,
    alone,
    loaded,
    ratio: median(loaded) / median(alone),
    readersAlone: { p50: percentile(cell.readers.latencies, 50), p99: percentile(cell.readers.latencies, 99) },
    readersLoaded: { p50: percentile(cell.both.latencies, 50), p99: percentile(cell.both.latencies, 99) },
    requests: { alone: cell.readers.latencies.length, loaded: cell.both.latencies.length },
    errors: cell.readers.errors + cell.both.errors,
  };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

function writeLoadSection(rows, chatModel) {
  const load = os.loadavg()[1].toFixed(0);
  const date = new Date().toISOString().slice(0, 10);
  const row = (r) =>
    `| ${r.name} | ${r.alone.map((x) => fmt(x, 0)).join(' / ')} | ${r.loaded.map((x) => fmt(x, 0)).join(' / ')} | **${fmt(r.ratio, 2)}×** | ${fmt(r.readersAlone.p50)} / ${fmt(r.readersAlone.p99)} | ${fmt(r.readersLoaded.p50)} / ${fmt(r.readersLoaded.p99)} | ${r.requests.alone} / ${r.requests.loaded} | ${r.errors} |`;
  writeSubsection(
    'LLM',
    'Streams under load',
    `### Streams under load (${date}, shared machine, load ${load})

Command: \`BENCH_LLM_ONLY=load pnpm bench:llm\` (also part of \`pnpm bench:llm\`; model \`${chatModel}\`, 1 thread,
${STREAMS} streams of ${TOKENS}-token replies through \`/api/chat/stream\`; ${READERS} closed-loop readers cycling
\`GET /api/chat/sessions?limit=20\`, a 50-message page and \`/api/chat/search\` over ${SEED_SESSIONS} seeded chats; 1 appender
posting a message every ${APPEND_EVERY_MS} ms; each phase ${SECONDS} s in ${ROUNDS} rounds, the two servers taking turns;
${os.cpus().length} cores shared with other work, so figures are noisy; the ratios are what to read).

Issue #18 item 6: node-llama-cpp drives generation from JavaScript, one event-loop round trip per token, so on the
request thread every token waits behind the requests queued before it. \`LLAMA_WORKER\` (on by default) runs the
provider in a worker thread with its own event loop; the request thread receives the pieces in batches.

| llama.cpp runs | Stream tok/s alone (each) | Under load (each) | Under load / alone | Readers p50 / p99 alone (ms) | Readers p50 / p99 beside the streams (ms) | Reader requests (alone / beside) | Errors |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.map(row).join('\n')}

Target: streams under load ≥ 0.5× their rate alone, with the readers' p99 kept.`,
  );
}

/** Replaces (or appends) the `### <prefix>…` subsection inside `## <section>` of docs/benchmarks.md. */
export function writeSubsection(section, prefix, body) {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const head = text.indexOf(`\n## ${section}\n`);
  if (head === -1) {
    writeFileSync(file, `${text.trimEnd()}\n\n## ${section}\n\n${body.trim()}\n`);
    return;
  }
  const nextSection = text.indexOf('\n## ', head + section.length + 4);
  const sectionEnd = nextSection === -1 ? text.length : nextSection;
  const start = text.indexOf(`\n### ${prefix}`, head);
  const inside = start !== -1 && start < sectionEnd;
  const from = inside ? start : sectionEnd;
  const afterSub = inside ? text.indexOf('\n###', start + 4) : -1;
  const to = inside ? (afterSub !== -1 && afterSub < sectionEnd ? afterSub : sectionEnd) : sectionEnd;
  const updated = `${text.slice(0, from).trimEnd()}\n\n${body.trim()}\n${text.slice(to)}`;
  writeFileSync(file, updated);
  console.log(`wrote "### ${prefix}" under "## ${section}" of docs/benchmarks.md`);
}
