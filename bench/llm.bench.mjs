// pnpm bench:llm — direct node-llama-cpp generation vs the same generation streamed through /api/chat/stream,
// time to first token at turn 1 and turn 20 of one conversation, and 1 vs 2 threads. Writes docs/benchmarks.md.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, startApiServer, writeSection } from './lib.mjs';

const MODELS_DIR = process.env.MODELS_DIR ?? path.resolve(ROOT, '../shared/models');
const MODEL_FILE = process.env.BENCH_MODEL_FILE ?? 'stories260K.gguf';
const TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROMPT = 'Once upon a time';

const require = createRequire(path.join(ROOT, 'packages/llm-runtime/package.json'));
const { getLlama, LlamaChatSession, LlamaLogLevel } = await import(pathToFileURL(require.resolve('node-llama-cpp')).href);
const { createChatClient } = await import(pathToFileURL(path.join(ROOT, 'packages/protocol/dist/index.js')).href);

/** Tokens per second from the first token to the last, the same measure for both paths. */
const rate = (tokens, firstAt, endAt) => (tokens - 1) / ((endAt - firstAt) / 1000);

async function direct(threads) {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path.join(MODELS_DIR, MODEL_FILE) });
  const rates = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await model.createContext({ threads, contextSize: 2048 });
    const session = new LlamaChatSession({ contextSequence: context.getSequence() });
    let tokens = 0;
    let firstAt = 0;
    const start = performance.now();
    await session.prompt(PROMPT, {
      maxTokens: TOKENS,
      temperature: 0.8,
      onToken: (t) => {
        if (tokens === 0) firstAt = performance.now();
        tokens += t.length;
      },
    });
    const end = performance.now();
    rates.push({ tps: rate(tokens, firstAt, end), ttft: firstAt - start, tokens });
    await context.dispose();
  }
  await model.dispose();
  await llama.dispose();
  return rates;
}

async function throughApi(baseUrl) {
  const client = createChatClient({ baseUrl });
  const rates = [];
  for (let i = 0; i < RUNS; i++) {
    const session = await client.createSession();
    let firstAt = 0;
    let tokens = 0;
    const start = performance.now();
    let completion = 0;
    for await (const e of client.stream({ session_id: session.id, message: PROMPT, params: { max_tokens: TOKENS, temperature: 0.8 } })) {
      if (e.type === 'token') {
        if (tokens === 0) firstAt = performance.now();
        tokens++;
      }
      if (e.type === 'done') completion = e.stats.completion_tokens;
    }
    const end = performance.now();
    rates.push({ tps: rate(completion, firstAt, end), ttft: firstAt - start, tokens: completion });
  }
  return rates;
}

async function turns(baseUrl, count) {
  const client = createChatClient({ baseUrl });
  const session = await client.createSession();
  const ttft = [];
  for (let turn = 1; turn <= count; turn++) {
    const start = performance.now();
    let first = 0;
    for await (const e of client.stream({ session_id: session.id, message: `Turn ${turn}: and then?`, params: { max_tokens: 24 } })) {
      if (e.type === 'token' && first === 0) first = performance.now() - start;
    }
    ttft.push(first);
  }
  return ttft;
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-llm-'));
try {
  console.log(`model ${MODEL_FILE}, ${TOKENS} tokens, ${RUNS} runs each`);
  const direct1 = await direct(1);
  const direct2 = await direct(2);
  const server = await startApiServer({
    MODELS_DIR,
    CHAT_MODEL: MODEL_FILE.replace(/\.gguf$/, ''),
    DATABASE_PATH: path.join(tmp, 'bench.db'),
    LLAMA_THREADS: '1',
    CHAT_CACHE_TTL: '0',
  });
  const client = createChatClient({ baseUrl: server.baseUrl });
  for (let i = 0; i < 300 && (await client.llmStatus()).state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
  const api = await throughApi(server.baseUrl);
  // Several conversations, median per turn: one conversation's single samples swing with the shared machine's load.
  const conversations = [];
  for (let i = 0; i < Number(process.env.BENCH_CONVERSATIONS ?? 3); i++) conversations.push(await turns(server.baseUrl, 20));
  const conv = conversations[0].map((_, turn) => median(conversations.map((c) => c[turn])));
  await server.stop();

  const d1 = median(direct1.map((r) => r.tps));
  const d2 = median(direct2.map((r) => r.tps));
  const a1 = median(api.map((r) => r.tps));
  const t1 = conv[0];
  const t20 = conv[19];
  const rows = [
    ['direct node-llama-cpp, 1 thread', `${fmt(d1)} tok/s`, `TTFT ${fmt(median(direct1.map((r) => r.ttft)))} ms`],
    ['direct node-llama-cpp, 2 threads', `${fmt(d2)} tok/s`, `TTFT ${fmt(median(direct2.map((r) => r.ttft)))} ms`],
    ['/api/chat/stream over a socket, 1 thread', `${fmt(a1)} tok/s`, `TTFT ${fmt(median(api.map((r) => r.ttft)))} ms (incl. HTTP + DB writes)`],
  ];
  console.table(rows);
  console.log({ apiVsDirect: a1 / d1, threads2vs1: d2 / d1, ttftTurn1: t1, ttftTurn20: t20, ratio: t20 / t1 });

  writeSection(
    'LLM',
    `Command: \`pnpm bench:llm\` (model \`${MODEL_FILE}\`, ${TOKENS} tokens per reply, median of ${RUNS} runs; ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores).
Tokens per second are counted from the first token to the last on both paths.

| Path | Tokens/s | Time to first token |
| --- | ---: | ---: |
${rows.map((r) => `| ${r[0]} | ${r[1].replace(' tok/s', '')} | ${r[2].replace('TTFT ', '')} |`).join('\n')}

- API streaming vs direct generation: **${fmt((a1 / d1) * 100, 0)}%** of direct tokens/s (target ≥ 95%).
- 2 threads vs 1 thread: **${fmt(d2 / d1, 2)}×** (why \`LLAMA_THREADS\` defaults to 1 for tiny models on this machine).
- Time to first token through the API (median over ${conversations.length} conversations of 20 turns): turn 1 **${fmt(t1)} ms**, turn 20 **${fmt(t20)} ms**, ratio **${fmt(t20 / t1, 2)}×** (target ≤ 1.5×; KV-cache reuse evaluates only the new turn).
- Median per turn (ms): ${conv.map((x) => fmt(x, 0)).join(', ')}`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
