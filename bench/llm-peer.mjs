// Part of `pnpm bench:llm` (alone: BENCH_LLM_ONLY=peer): issue #18 item 1, every generation figure as a ratio to
// llama.cpp's own `llama-server` (bench/llama-server-peer.mjs, built from the llama.cpp source node-llama-cpp ships)
// measured in the same run. For each model and thread count, in interleaved rounds: our API server and llama-server
// with the same model, threads, slots and context per slot; one stream at a time through our `/api/chat/stream` and
// `/v1/chat/completions` and llama-server's `/v1/chat/completions`, then 4 streams at once on each. Tokens/s are
// counted by the client from the first token to the last, the same measure on both sides. Env: BENCH_PEER_ROUNDS (3),
// BENCH_PEER_STREAMS (single streams per endpoint per round, 3), BENCH_PEER_THREADS ("1,2", plus all cores where
// there are more than 2).
import os from 'node:os';
import path from 'node:path';
import { ensureLlamaServer, startLlamaServer } from './llama-server-peer.mjs';
import { median, readSse, startApiServer } from './lib.mjs';
import {
  aggregateRate,
  combineRounds,
  formatCell,
  formatRatio,
  singleFigures,
  sseError,
  streamFailure,
} from './peer-results.mjs';

const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 3);
const STREAMS = Number(process.env.BENCH_PEER_STREAMS ?? 3);
/** Streams through each of our routes before any is measured (BENCH_PEER_WARM_STREAMS, 3). */
const WARM_STREAMS = Number(process.env.BENCH_PEER_WARM_STREAMS ?? 3);
const PARALLEL = 4;
const PROMPT = 'Once upon a time';
/** A stream that has not ended by then is a failed measure, not a slow one (BENCH_PEER_STREAM_TIMEOUT_S, 120). */
const STREAM_TIMEOUT_MS = Number(process.env.BENCH_PEER_STREAM_TIMEOUT_S ?? 120) * 1000;

/**
 * Token ids llama-server must not sample for a model with random weights: its byte tokens. A random model strings
 * bytes into invalid UTF-8, and llama-server's response parser then fails the whole request with a 500 ("does not
 * match the expected Content-only format"). Chat Studio streams such bytes as U+FFFD and needs no bias; biasing 256
 * of a 512-token vocabulary away costs llama-server nothing measurable against a 124M-parameter forward pass.
 * @param {string[]} tokens the vocabulary
 */
export function byteTokenBias(tokens) {
  const bias = /** @type {Record<string, boolean>} */ ({});
  tokens.forEach((t, id) => {
    if (/^<0x[0-9A-F]{2}>$/.test(t)) bias[id] = false;
  });
  return bias;
}

/** One `/v1/chat/completions` stream (ours or llama-server's): tokens (from usage), first and last token times. */
async function openAiStream(baseUrl, model, maxTokens, extra = {}) {
  const start = performance.now();
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    signal: AbortSignal.timeout(STREAM_TIMEOUT_MS),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: maxTokens,
      temperature: 0.8,
      stream: true,
      stream_options: { include_usage: true },
      ...extra,
    }),
  });
  const { first, last, events } = await readSse(res, (e) => e.choices?.[0]?.delta?.content);
  const tokens = events.findLast((e) => e.usage)?.usage?.completion_tokens ?? 0;
  const error = sseError(events);
  return { tokens, first, last, ttft: first - start, ...(error ? { error } : {}) };
}

/** One `/api/chat/stream` reply in a new chat: tokens (from the `done` stats), first and last token times. */
async function nativeStream(baseUrl, maxTokens) {
  const created = await fetch(`${baseUrl}/api/chat/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const session = await created.json();
  // Time to first token from the chat request, as for /v1: creating the chat is not part of it.
  const start = performance.now();
  const res = await fetch(`${baseUrl}/api/chat/stream`, {
    method: 'POST',
    signal: AbortSignal.timeout(STREAM_TIMEOUT_MS),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      session_id: session.id,
      message: PROMPT,
      params: { max_tokens: maxTokens, temperature: 0.8 },
    }),
  });
  const { first, last, events } = await readSse(res, (e) => (e.type === 'token' ? e.text : undefined));
  const done = events.find((e) => e.type === 'done');
  const error = sseError(events) ?? (done ? undefined : `ended without done: ${JSON.stringify(events.at(-1))}`);
  return { tokens: done?.stats?.completion_tokens ?? 0, first, last, ttft: first - start, ...(error ? { error } : {}) };
}

/**
 * `run()`, with a throw (a non-2xx answer, a refused connection, the timeout) turned into a failed stream: one
 * failed stream fails its figure (bench/peer-results.mjs) instead of the whole bench or, worse, becoming a figure.
 * @returns {Promise<import('./peer-results.mjs').Stream>}
 */
async function attempt(run) {
  try {
    return await run();
  } catch (err) {
    const message =
      err instanceof Error ? `${err.name === 'TimeoutError' ? 'timed out: ' : ''}${err.message}` : String(err);
    return { tokens: 0, first: 0, last: 0, ttft: NaN, error: message.slice(0, 200) };
  }
}

/** Single streams one after another, then {@link PARALLEL} at once, through `run`; failures are figures' reasons. */
async function measureSide(run) {
  const warm = await attempt(run); // warm-up: JIT, caches, the first evaluation
  const warmFailure = streamFailure(warm);
  if (warmFailure) {
    const failed = { failed: `warm-up failed: ${warmFailure}` };
    return { single: failed, ttft: failed, parallel: failed };
  }
  const single = [];
  for (let i = 0; i < STREAMS; i++) single.push(await attempt(run));
  const parallel = await Promise.all(Array.from({ length: PARALLEL }, () => attempt(run)));
  return { ...singleFigures(single), parallel: aggregateRate(parallel) };
}

/** Our API server on `model` with `threads`: single and parallel through both endpoints. */
async function measureOurs(model, threads, tmp, round) {
  const server = await startApiServer({
    MODELS_DIR: model.dir,
    CHAT_MODEL: model.name,
    DATABASE_PATH: path.join(tmp, `peer-${model.name}-${threads}-${round}.db`),
    LLAMA_THREADS: String(threads),
    LLAMA_SEQUENCES: String(PARALLEL),
    LLAMA_CONTEXT_SIZE: String(model.contextPerSlot),
    CHAT_CACHE_TTL: '0',
  });
  try {
    // Model loading on a busy 2-core machine can take tens of seconds; a bench that gave up here measured nothing.
    const deadline = performance.now() + 300_000;
    for (;;) {
      const status = await (await fetch(`${server.baseUrl}/api/llm/status`)).json();
      if (status.state === 'ready') break;
      if (status.state === 'error' || performance.now() > deadline)
        throw new Error(`model not ready: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const routes = {
      native: () => nativeStream(server.baseUrl, model.maxTokens),
      v1: () => openAiStream(server.baseUrl, model.name, model.maxTokens),
    };
    // Both routes share the server's token path: whichever ran first on a fresh server measured its cold JIT (the
    // native route at 0.58x of llama-server measured first, 0.96x measured second, in the same quiet minute). Warm
    // both before either is measured, and take turns on which goes first.
    for (let i = 0; i < WARM_STREAMS; i++) for (const run of Object.values(routes)) await attempt(run);
    const order = round % 2 === 0 ? ['native', 'v1'] : ['v1', 'native'];
    const measured = {};
    for (const name of order) measured[name] = await measureSide(routes[name]);
    return { native: measured.native, v1: measured.v1 };
  } finally {
    await server.stop();
  }
}

/** llama-server on `model` with `threads` and {@link PARALLEL} slots of the same context. */
async function measurePeer(bin, model, threads) {
  const server = await startLlamaServer({
    bin,
    model: model.file,
    threads,
    slots: PARALLEL,
    ctxSize: model.contextPerSlot * PARALLEL,
  });
  try {
    const extra = model.bias ? { logit_bias: model.bias } : {};
    return await measureSide(() => openAiStream(server.baseUrl, model.name, model.maxTokens, extra));
  } finally {
    await server.stop();
  }
}

/**
 * Runs the comparison. `models` are `{ label, dir, name, file, contextPerSlot, maxTokens, bias? }`. Returns
 * `{ rows, skipped }`: one row per model and thread count with the medians over the rounds, or `skipped` (a sentence)
 * where llama-server could not be built.
 */
export async function benchPeer(models, tmp) {
  const peer = ensureLlamaServer();
  if (!peer.bin) {
    console.log(`llama-server peer skipped: ${peer.skipped}`);
    return { rows: [], skipped: peer.skipped };
  }
  const cores = os.availableParallelism();
  const threadCounts = (process.env.BENCH_PEER_THREADS ?? (cores > 2 ? `1,2,${cores}` : '1,2')).split(',').map(Number);
  const rows = [];
  for (const model of models) {
    const samples = new Map(threadCounts.map((t) => [t, { ours: [], peer: [], loads: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const threads of threadCounts) {
        const s = /** @type {{ ours: any[], peer: any[], loads: number[] }} */ (samples.get(threads));
        // Alternating which side goes first, so a load swing within a round weighs on both alike.
        const first = round % 2 === 0 ? 'ours' : 'peer';
        for (const side of first === 'ours' ? ['ours', 'peer'] : ['peer', 'ours']) {
          if (side === 'ours') s.ours.push(await measureOurs(model, threads, tmp, round));
          else s.peer.push(await measurePeer(peer.bin, model, threads));
          s.loads.push(os.loadavg()[0]);
        }
        console.log(JSON.stringify({ model: model.label, threads, round, ours: s.ours.at(-1), peer: s.peer.at(-1) }));
      }
    }
    for (const threads of threadCounts) {
      const s = /** @type {{ ours: any[], peer: any[], loads: number[] }} */ (samples.get(threads));
      const m = (list, pick) => combineRounds(list.map(pick));
      rows.push({
        model: model.label,
        threads,
        native: m(s.ours, (o) => o.native.single),
        v1: m(s.ours, (o) => o.v1.single),
        peer: m(s.peer, (p) => p.single),
        nativeParallel: m(s.ours, (o) => o.native.parallel),
        v1Parallel: m(s.ours, (o) => o.v1.parallel),
        peerParallel: m(s.peer, (p) => p.parallel),
        ttft: m(s.ours, (o) => o.native.ttft),
        peerTtft: m(s.peer, (p) => p.ttft),
        load: median(s.loads),
      });
    }
  }
  return { rows, threadCounts, cores };
}

const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
const c = formatCell;
const ratio = formatRatio;

/**
 * The markdown of {@link benchPeer}'s result: the ratio table and each side's 2 / 1 thread ratio.
 * @param {{ rows: any[], skipped?: string }} result
 */
export function peerTables({ rows, skipped }) {
  if (skipped) return `llama-server peer skipped: ${skipped}`;
  const table = `| Model | Threads | \`/api/chat/stream\` tok/s | \`/v1\` tok/s | llama-server tok/s | Ratio (stream / \`/v1\`) | 4 streams, ours (stream / \`/v1\`) | 4 streams, llama-server | Ratio, 4 streams (stream / \`/v1\`) | TTFT ours / llama-server (ms) | Load |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows
  .map(
    (r) =>
      `| ${r.model} | ${r.threads} | ${c(r.native)} | ${c(r.v1)} | ${c(r.peer)} | ${ratio(r.native, r.peer)} / ${ratio(r.v1, r.peer)} | ${c(r.nativeParallel)} / ${c(r.v1Parallel)} | ${c(r.peerParallel)} | ${ratio(r.nativeParallel, r.peerParallel)} / ${ratio(r.v1Parallel, r.peerParallel)} | ${c(r.ttft)} / ${c(r.peerTtft)} | ${f(r.load)} |`,
  )
  .join('\n')}`;
  const models = [...new Set(rows.map((r) => r.model))];
  const scaling = models
    .map((model) => {
      const list = rows.filter((r) => r.model === model);
      const one = list.find((r) => r.threads === 1);
      if (!one) return '';
      return list
        .filter((r) => r.threads !== 1)
        .map(
          (r) =>
            `- ${model}, ${r.threads} threads / 1 thread, one stream: Chat Studio ${ratio(r.native, one.native)}, llama-server ${ratio(r.peer, one.peer)}; 4 streams: Chat Studio ${ratio(r.nativeParallel, one.nativeParallel)}, llama-server ${ratio(r.peerParallel, one.peerParallel)}.`,
        )
        .join('\n');
    })
    .join('\n');
  return `${table}\n\n${scaling}`;
}
