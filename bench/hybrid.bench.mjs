// Hybrid retrieval over large attachments (issue #17): (1) `retrieveChunks` (full-text rank fused with vector rank)
// over BENCH_CHUNKS (default 100,000) chunks in BENCH_CHUNK_FILES (default 20, the most one message carries) files
// of one user, random unit vectors of BENCH_DIMS (default 64, the test model's) stored through the store's
// `chunkVectors`, on SQLite and, at BENCH_PG_CHUNKS (default 20,000; needs DATABASE_URL_TEST), on PostgreSQL;
// (2) a generated BENCH_PDF_PAGES-page (default 300) PDF end to end through the running server with the test model:
// upload, indexing to ready, and the first token of a question, asked after `ready` and asked at once after the
// upload (while indexing: by words); (3) with BENCH_LOG_ROUNDS > 0 (default 0), a generated BENCH_LOG_MB (default 5)
// MiB log uploaded that many times in a row through the server, each asked about at once: upload time with its
// Server-Timing phases, and the first token (the case where a later upload waited behind the first's indexing).
// Run with `pnpm bench:hybrid` (BENCH_WRITE=0 to print only); the log case alone:
// `BENCH_CHUNKS=0 BENCH_PG_CHUNKS=0 BENCH_PDF_PAGES=0 BENCH_LOG_ROUNDS=3 node bench/hybrid.bench.mjs`.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { makeLog, percentile, ROOT, startApiServer, writeSection } from './lib.mjs';

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 100_000);
const FILES = Number(process.env.BENCH_CHUNK_FILES ?? 20);
const PG_CHUNKS = Number(process.env.BENCH_PG_CHUNKS ?? 20_000);
const DIMS = Number(process.env.BENCH_DIMS ?? 64);
const REPS = Number(process.env.BENCH_REPS ?? 60);
const PAGES = Number(process.env.BENCH_PDF_PAGES ?? 300);
/** How long the PDF may take to become ready before its progress so far is reported instead. */
const READY_TIMEOUT_S = Number(process.env.BENCH_READY_TIMEOUT_S ?? 1800);
const LOG_ROUNDS = Number(process.env.BENCH_LOG_ROUNDS ?? 0);
const LOG_MB = Number(process.env.BENCH_LOG_MB ?? 5);
const MODELS_DIR = process.env.TEST_MODELS_DIR ?? process.env.MODELS_DIR ?? path.resolve(ROOT, '../shared/models');
const USER = 'bench-user';
const LIMIT = 12;

const { openChatStore } = await import(pathToFileURL(path.join(ROOT, 'packages/chat-store/dist/index.js')).href);
const { retrieveChunks } = await import(pathToFileURL(path.join(ROOT, 'apps/api/dist/attachments/index.js')).href);
const { createChatClient } = await import(pathToFileURL(path.join(ROOT, 'packages/protocol/dist/index.js')).href);
const { PDFDocument, StandardFonts } = createRequire(path.join(ROOT, 'apps/api/package.json'))('pdf-lib');

/** A seeded generator, so every run stores the same words. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rnd = random(17);
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x${Math.floor(rnd() * 1e6).toString(36)}`);
const words = (n) => Array.from({ length: n }, () => VOCABULARY[Math.floor(rnd() * VOCABULARY.length)]).join(' ');

function unitVector(dims) {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = rnd() * 2 - 1;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** One chunked file of `n` chunks of 30 words. */
function chunkedFile(index, n) {
  const chunks = [];
  let at = 0;
  for (let ordinal = 0; ordinal < n; ordinal++) {
    const text = words(30);
    chunks.push({ ordinal, start: at, end: at + text.length, heading: `Part ${ordinal}`, page: null, text });
    at += text.length + 1;
  }
  const bytes = new TextEncoder().encode(`file ${index}`);
  return {
    name: `file-${index}.txt`,
    mime: 'text/plain',
    bytes,
    sha256: String(index).padStart(64, '0'),
    text: chunks.map((c) => c.text).join('\n'),
    tokens: null,
    chunked: true,
    chunks,
  };
}

/** Stores `total` chunks in FILES files and a random vector for each, through the store. */
async function fill(store, total) {
  const ids = [];
  for (let f = 0; f < FILES; f++) {
    const file = chunkedFile(f, Math.ceil(total / FILES));
    ids.push((await store.attachments.create(USER, file, { quotaBytes: 1e12 })).id);
  }
  await store.chunkVectors.useModel({ model: 'random-unit', dims: DIMS });
  for (;;) {
    const pending = await store.chunkVectors.pending(2000);
    if (pending.length === 0) break;
    await store.chunkVectors.store(pending.map((p) => ({ chunkId: p.chunkId, vector: unitVector(DIMS) })));
  }
  return ids;
}

async function timed(fn) {
  for (let i = 0; i < 5; i++) await fn();
  const ms = [];
  for (let i = 0; i < REPS; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** p50/p95 of hybrid retrieval, words alone and vectors alone over the store's `total` chunks. */
async function retrievalFigures(backend, store, total) {
  const filled = performance.now();
  const ids = await fill(store, total);
  const fillS = (performance.now() - filled) / 1000;
  const meaning = {
    search: (request) =>
      store.chunkVectors.search(request.userId, { ...request, vector: unitVector(DIMS), model: 'random-unit' }),
  };
  const request = () => ({ userId: USER, attachmentIds: ids, query: words(6), limit: LIMIT });
  const hybrid = await timed(async () => {
    const hits = await retrieveChunks(store.attachments, request(), meaning);
    if (hits.length !== LIMIT) throw new Error(`hybrid retrieval found ${hits.length} chunks`);
  });
  const byWords = await timed(() => retrieveChunks(store.attachments, request()));
  const byVectors = await timed(() => meaning.search({ ...request(), limit: LIMIT * 2 }));
  const result = { backend, total: FILES * Math.ceil(total / FILES), fillS, hybrid, byWords, byVectors };
  console.log(JSON.stringify(result));
  return result;
}

async function sqliteRetrieval() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-hybrid-'));
  const store = await openChatStore({ path: path.join(dir, 'chat.db'), readPool: 0 });
  try {
    return await retrievalFigures('SQLite (FTS5 bm25; vectors scanned in process)', store, CHUNKS);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRetrieval() {
  const admin = process.env.DATABASE_URL_TEST;
  if (!admin || PG_CHUNKS <= 0) return undefined;
  const { createScratchDatabase } = await import(
    pathToFileURL(path.join(ROOT, 'tooling/test-support/dist/index.js')).href
  );
  const db = await createScratchDatabase({ prefix: 'bench_hybrid' });
  const store = await openChatStore({ url: db.url });
  try {
    return await retrievalFigures('PostgreSQL (tsvector ts_rank; vectors scanned in process)', store, PG_CHUNKS);
  } finally {
    await store.close();
    await db.drop();
  }
}

async function makePdf(pages) {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 1; page <= pages; page++) {
    const sheet = pdf.addPage();
    for (let line = 0; line < 40; line++)
      sheet.drawText(`Page ${page} line ${line} of the quarterly report on login latency.`, {
        x: 40,
        y: 780 - line * 17,
        size: 10,
        font,
      });
  }
  return pdf.save();
}

async function upload(baseUrl, bytes, name, type = 'application/pdf') {
  const form = new FormData();
  form.append('file', new File([bytes], name, { type }));
  const res = await fetch(`${baseUrl}/api/attachments`, { method: 'POST', body: form });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  const summary = await res.json();
  // `read;dur=12.3, extract;dur=…` → { read: 12.3, extract: … }
  const timing = Object.fromEntries(
    (res.headers.get('server-timing') ?? '')
      .split(',')
      .map((part) => part.trim().match(/^(\w+);dur=([\d.]+)/))
      .filter(Boolean)
      .map((m) => [m[1], Number(m[2])]),
  );
  Object.defineProperty(summary, 'timing', { value: timing, enumerable: false });
  return summary;
}

/** `/health` requests one after another until `stop()`; `longest` resolves to the slowest answer's milliseconds. */
function healthProbe(baseUrl) {
  let running = true;
  const longest = (async () => {
    let worst = 0;
    while (running) {
      const asked = performance.now();
      try {
        await (await fetch(`${baseUrl}/health`)).arrayBuffer();
      } catch {
        // ECONNRESET: after a long block the server's keep-alive timer closes the socket the request waited on
        // (it fires before the request is read); the wait counts all the same.
      }
      worst = Math.max(worst, performance.now() - asked);
    }
    return worst;
  })();
  return {
    longest,
    stop() {
      running = false;
    },
  };
}

/** The same log uploaded LOG_ROUNDS times in a row, each asked about at once while the earlier ones index. */
async function logRounds() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-hybrid-log-'));
  const server = await startApiServer({ DATABASE_PATH: path.join(dir, 'chat.db'), DATABASE_URL: '', MODELS_DIR });
  try {
    const client = createChatClient({ baseUrl: server.baseUrl });
    for (let i = 0; i < 600; i++) {
      const status = await (await fetch(`${server.baseUrl}/api/llm/status`)).json();
      if (status.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = makeLog(LOG_MB * 1024 * 1024);
    const rounds = [];
    for (let round = 1; round <= LOG_ROUNDS; round++) {
      const started = performance.now();
      // /health asked back to back meanwhile: its longest wait bounds how long the upload held the event loop.
      const probe = healthProbe(server.baseUrl);
      const summary = await upload(server.baseUrl, log, `app-${round}.log`, 'text/plain').finally(() => probe.stop());
      const uploadMs = performance.now() - started;
      const healthMaxMs = await probe.longest;
      const asked = await firstToken(client, summary.id, started, 'Which requests failed with ERROR?');
      const info = await (await fetch(`${server.baseUrl}/api/attachments/${summary.id}`)).json();
      const row = {
        round,
        uploadMs,
        healthMaxMs,
        timing: summary.timing,
        tokens: summary.tokens,
        index: info.index,
        asked,
      };
      console.log(JSON.stringify({ log: row }));
      rounds.push(row);
    }
    return { bytes: log.length, rounds };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Milliseconds from `since` to the first token of a question about the file, and the reply's sources. */
async function firstToken(client, id, since, message = 'What does page 150 say about login latency?') {
  const session = await client.createSession();
  let first = 0;
  let sources = 0;
  for await (const e of client.stream({
    session_id: session.id,
    message,
    attachments: [id],
    params: { max_tokens: 16 },
  })) {
    if (e.type === 'token' && first === 0) first = performance.now();
    if (e.type === 'done') sources = e.message?.sources?.length ?? 0;
  }
  return { ms: first - since, sources };
}

/** The PDF through the server: upload → ready → first token, and the first token asked while it indexes. */
async function pdfEndToEnd() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-hybrid-pdf-'));
  const server = await startApiServer({ DATABASE_PATH: path.join(dir, 'chat.db'), DATABASE_URL: '', MODELS_DIR });
  try {
    const client = createChatClient({ baseUrl: server.baseUrl });
    for (let i = 0; i < 600; i++) {
      const status = await (await fetch(`${server.baseUrl}/api/llm/status`)).json();
      if (status.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const pdf = await makePdf(PAGES);
    // First a copy waited on until ready before asking (alone in the embedder's queue).
    const started = performance.now();
    const second = await upload(server.baseUrl, pdf, 'report.pdf');
    const uploaded = performance.now();
    let summary = second;
    let logged = started;
    while (summary.state === 'indexing' && performance.now() - started < READY_TIMEOUT_S * 1000) {
      await new Promise((r) => setTimeout(r, 50));
      summary = await (await fetch(`${server.baseUrl}/api/attachments/${second.id}`)).json();
      if (performance.now() - logged > 30_000) {
        logged = performance.now();
        console.log(JSON.stringify({ indexing: summary.index, s: Math.round((logged - started) / 1000) }));
      }
    }
    const ready = performance.now();
    const answered = await firstToken(client, second.id, started);
    console.log(
      JSON.stringify({ ready: { uploadMs: uploaded - started, readyMs: ready - started, summary, answered } }),
    );
    // Then another copy asked about at once: the question goes in while its chunks are being embedded (by words).
    const early = performance.now();
    const first = await upload(server.baseUrl, pdf, 'early.pdf');
    const uploadMs = performance.now() - early;
    const earlyState = (await (await fetch(`${server.baseUrl}/api/attachments/${first.id}`)).json()).state;
    const asked = await firstToken(client, first.id, early);
    console.log(JSON.stringify({ early: { uploadMs, earlyState, asked } }));
    return {
      bytes: pdf.length,
      chunks: summary.index?.chunks ?? 0,
      embedded: summary.index?.embedded ?? 0,
      state: summary.state,
      uploadMs: uploaded - started,
      readyMs: ready - started,
      firstTokenMs: answered.ms,
      sources: answered.sources,
      early: { uploadMs, state: earlyState, firstTokenMs: asked.ms, sources: asked.sources },
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const figures = [CHUNKS > 0 ? await sqliteRetrieval() : undefined, await postgresRetrieval()].filter(Boolean);
const pdf = PAGES > 0 ? await pdfEndToEnd() : undefined;
const logs = LOG_ROUNDS > 0 ? await logRounds() : undefined;
const load = os.loadavg()[0].toFixed(1);
const table = [
  '| back end | chunks | files | hybrid p50 ms | hybrid p95 ms | words alone p95 ms | vectors alone p95 ms | fill s |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...figures.map(
    (f) =>
      `| ${f.backend} | ${f.total.toLocaleString('en')} | ${FILES} | ${fmt(f.hybrid.p50)} | **${fmt(f.hybrid.p95)}** | ${fmt(f.byWords.p95)} | ${fmt(f.byVectors.p95)} | ${f.fillS.toFixed(0)} |`,
  ),
].join('\n');
const pdfTable = !pdf
  ? ''
  : [
      '| question asked | upload ms | state when asked | upload → ready ms | upload → first token ms | sources |',
      '| --- | ---: | --- | ---: | ---: | ---: |',
      `| after \`ready\` | ${fmt(pdf.uploadMs)} | ${pdf.state}${pdf.state === 'ready' ? '' : ` (${pdf.embedded} of ${pdf.chunks} chunks embedded at the ${READY_TIMEOUT_S} s limit)`} | ${fmt(pdf.readyMs)} | **${fmt(pdf.firstTokenMs)}** | ${pdf.sources} |`,
      `| at once after the upload | ${fmt(pdf.early.uploadMs)} | ${pdf.early.state} | — | **${fmt(pdf.early.firstTokenMs)}** | ${pdf.early.sources} |`,
    ].join('\n');
const phase = (r, name) => (r.timing[name] === undefined ? '—' : fmt(r.timing[name]));
const logTable = !logs
  ? ''
  : [
      '| round | upload ms | read | extract | count | chunk | store | longest /health wait ms | upload → first token ms | chunks | tokens |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...logs.rounds.map(
        (r) =>
          `| ${r.round} | **${fmt(r.uploadMs)}** | ${phase(r, 'read')} | ${phase(r, 'extract')} | ${phase(r, 'count')} | ${phase(r, 'chunk')} | ${phase(r, 'store')} | ${fmt(r.healthMaxMs)} | ${fmt(r.asked.ms)} | ${r.index?.chunks ?? '—'} | ${r.tokens ?? '—'} |`,
      ),
    ].join('\n');
console.log(table);
console.log(pdfTable);
console.log(logTable);

if (process.env.BENCH_WRITE !== '0' && pdf)
  writeSection(
    'Hybrid retrieval over large attachments',
    `Shared machine, load ${load} (${os.cpus().length} cores); ${new Date().toISOString().slice(0, 10)};
\`BENCH_CHUNKS=${CHUNKS} BENCH_PG_CHUNKS=${PG_CHUNKS} BENCH_DIMS=${DIMS} pnpm bench:hybrid\` (bench/hybrid.bench.mjs).

Retrieval: \`retrieveChunks\` (apps/api, the turn's own function) over ${FILES} files of one user (the most one
message carries), each chunk 30 random words of a 5,000-word vocabulary (so a 6-word question matches about 3.5% of
the chunks) with a **random unit vector of ${DIMS} dimensions** (the test model's; stored through
\`chunkVectors.store\`); ${REPS} questions after 5 warm-ups, top ${LIMIT}. Hybrid = full-text rank and vector rank
(${LIMIT * 2} candidates each) fused by reciprocal rank. The question's own embedding is not included (one call of
the embedding model; see "Search by meaning" for its throughput). Target: hybrid p95 < 30 ms over 100,000 chunks.

${table}

A ${PAGES}-page PDF (pdf-lib, 40 lines a page, ${pdf.bytes.toLocaleString('en')} bytes, ${pdf.chunks} chunks) end to
end through the running server (\`apps/api/dist/server.js\`, SQLite) with the test model (stories260K) as chat and
embedding model: \`POST /api/attachments\` (extraction and chunking), the background chunk embedder to \`ready\`
(polled through \`GET /api/attachments/:id\`), then the first token of a question on \`/api/chat/stream\` with the
file attached. The second row asks at once after the upload, while the file is still \`indexing\`: the turn
retrieves by words (and by the vectors made so far) and does not wait for indexing.

${pdfTable}${
  logTable
    ? `

The same ${LOG_MB} MiB log uploaded ${LOG_ROUNDS} times in a row, each asked about at once (milliseconds; phases from
the upload's \`Server-Timing\`):

${logTable}`
    : ''
}`,
  );
