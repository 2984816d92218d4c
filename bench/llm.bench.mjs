// pnpm bench:llm — every generation figure beside llama.cpp's own llama-server in the same run (bench/llm-peer.mjs;
// alone with BENCH_LLM_ONLY=peer): one stream through /api/chat/stream and /v1/chat/completions, 4 streams at once,
// 1 and 2 threads, on the test model and a synthetic model of a real model's layer shape; time to first token at
// turn 1 and turn 20; node-llama-cpp's engine alone with 1 and 2 threads by model size; the streaming flush
// (bench/llm-flush.mjs; BENCH_LLM_ONLY=flush), streams under request load (bench/llm-load.mjs; BENCH_LLM_ONLY=load),
// threads per binary (bench/llm-threads.mjs; BENCH_LLM_ONLY=threads) and the long conversation
// (bench/llm-long-conversation.mjs; BENCH_LLM_ONLY=long). Writes docs/benchmarks.md.
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, startApiServer, writeSection } from './lib.mjs';
import { benchFlush } from './llm-flush.mjs';
import { benchLoad, writeSubsection } from './llm-load.mjs';
import { benchPeer, byteTokenBias, peerTables } from './llm-peer.mjs';
import { benchLongConversation, writeLongConversationSection } from './llm-long-conversation.mjs';
import { benchThreads, writeThreadsSection } from './llm-threads.mjs';
import { LLAMA_1B_LAYER, writeSyntheticModel } from './synthetic-model.mjs';

const MODELS_DIR = process.env.MODELS_DIR ?? path.resolve(ROOT, '../shared/models');
const MODEL_FILE = process.env.BENCH_MODEL_FILE ?? 'stories260K.gguf';
const TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
const PEER_TOKENS = Number(process.env.BENCH_PEER_TOKENS ?? TOKENS);
const PEER_SYNTHETIC_TOKENS = Number(process.env.BENCH_PEER_SYNTHETIC_TOKENS ?? 48);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 3);
const SYNTHETIC_LAYERS = Number(process.env.BENCH_SYNTHETIC_LAYERS ?? 2);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 500);
const THREAD_ROUNDS = Number(process.env.BENCH_THREAD_ROUNDS ?? 3);
const THREAD_TOKENS = 32;
const THREAD_LAYERS = (process.env.BENCH_THREAD_LAYERS ?? '1,2,4,8,16').split(',').map(Number);

if (process.env.BENCH_LLM_ONLY === 'load') {
  await benchLoad({ modelsDir: MODELS_DIR, chatModel: MODEL_FILE.replace(/\.gguf$/, '') });
  process.exit(0);
}

if (process.env.BENCH_LLM_ONLY === 'flush') {
  console.log(await benchFlush({ modelsDir: MODELS_DIR, chatModel: MODEL_FILE.replace(/\.gguf$/, '') }));
  process.exit(0);
}

const require = createRequire(path.join(ROOT, 'packages/llm-runtime/package.json'));
const { getLlama, LlamaLogLevel, readGgufFileInfo } = await import(
  pathToFileURL(require.resolve('node-llama-cpp')).href
);

/** The synthetic model's file, written into `dir` with the test model's tokenizer. */
async function synthetic(dir, layers = SYNTHETIC_LAYERS, contextLength = 2048) {
  const { metadata } = await readGgufFileInfo(path.join(MODELS_DIR, MODEL_FILE), { logWarnings: false });
  const tokenizer = Object.fromEntries(
    Object.entries(metadata.tokenizer.ggml).map(([k, v]) => [`tokenizer.ggml.${k}`, v]),
  );
  const file = path.join(dir, `synthetic-${layers}-1b-layers.gguf`);
  const params = await writeSyntheticModel({ file, tokenizer, layers, contextLength, ...LLAMA_1B_LAYER });
  return { file, params, bytes: statSync(file).size };
}

/** The 100-turn conversation on the synthetic model (trained context 8,192), in a folder of its own. */
async function longConversation() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-llm-long-'));
  try {
    const model = await synthetic(dir, SYNTHETIC_LAYERS, 8192);
    return await benchLongConversation({ modelsDir: dir, chatModel: path.basename(model.file, '.gguf') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1 vs 2 threads per binary on the test model and the synthetic model, in a folder of their own. */
async function threads() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-llm-threads-'));
  try {
    const model = await synthetic(dir);
    const { metadata } = await readGgufFileInfo(model.file, { logWarnings: false });
    return await benchThreads([
      { label: `\`${MODEL_FILE}\``, file: path.join(MODELS_DIR, MODEL_FILE) },
      {
        label: `synthetic, ${SYNTHETIC_LAYERS} layers, ${Math.round(model.params / 1e6)}M parameters`,
        file: model.file,
        // Random weights string byte tokens into invalid UTF-8, which llama-server answers with a 500.
        bias: byteTokenBias(metadata.tokenizer.ggml.tokens),
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The models of the llama-server comparison: the test model, and the synthetic model written into `dir` (llama-server
 * gets its byte tokens biased away, see {@link byteTokenBias}). Both get 4 slots of 2,048 tokens, as our default.
 */
async function peerModels(dir) {
  const model = await synthetic(dir);
  const { metadata } = await readGgufFileInfo(model.file, { logWarnings: false });
  return [
    {
      label: `\`${MODEL_FILE}\``,
      dir: MODELS_DIR,
      name: MODEL_FILE.replace(/\.gguf$/, ''),
      file: path.join(MODELS_DIR, MODEL_FILE),
      contextPerSlot: 2048,
      maxTokens: PEER_TOKENS,
    },
    {
      label: `synthetic, ${SYNTHETIC_LAYERS} layers, ${Math.round(model.params / 1e6)}M parameters`,
      dir,
      name: path.basename(model.file, '.gguf'),
      file: model.file,
      contextPerSlot: 2048,
      maxTokens: PEER_SYNTHETIC_TOKENS,
      bias: byteTokenBias(metadata.tokenizer.ggml.tokens),
    },
  ];
}

/** The comparison with llama-server, in a folder of its own. */
async function peer() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-llm-peer-'));
  try {
    return await benchPeer(await peerModels(dir), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PEER_INTRO = `Each figure beside llama.cpp's own \`llama-server\`, built from the llama.cpp source node-llama-cpp ships
(\`bench/llama-server-peer.mjs\`), with the same model, threads, 4 slots of 2,048 tokens, in the same run: for each
model and thread count, rounds in which our API server and llama-server take turns (which goes first alternates).
Tokens/s are counted by the client from the first streamed token to the last (one stream: median of the streams;
4 streams at once: all their tokens over the span from the first token to the last), after warm-up streams: on
our server \`BENCH_PEER_WARM_STREAMS\` (3) through each route before either is measured, then one more per side,
the route measured first alternating by round (measured first on a cold server, either route lost about a third).
Chat Studio streams through \`/api/chat/stream\` (a new stored chat each time) and \`/v1/chat/completions\`;
llama-server through its \`/v1/chat/completions\`. The synthetic model (random weights, noise for replies) gets
llama-server's byte tokens biased away: its parser answers 500 to invalid UTF-8. A stream that fails (non-2xx, an
error event, no tokens, no end within \`BENCH_PEER_STREAM_TIMEOUT_S\`, 120) fails its figure for that round: a cell is
the median of the rounds that measured, with the failed rounds and the first reason beside it, or "failed (reason)"
with no ratio (bench/peer-results.mjs). Targets (issue #18 item 2): one
stream and 4 streams ≥ 1.0× llama-server with the same threads; 2 threads ≥ 0.85× of 1 thread on the test model.`;

if (process.env.BENCH_LLM_ONLY === 'peer') {
  const result = await peer();
  const load = result.rows.length ? median(result.rows.map((r) => r.load)).toFixed(1) : os.loadavg()[0].toFixed(1);
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const tables = peerTables(result);
  console.log(tables);
  writeSubsection(
    'LLM',
    'Chat Studio vs llama-server, BENCH_LLM_ONLY=peer',
    `### Chat Studio vs llama-server, BENCH_LLM_ONLY=peer (${when} UTC, ${os.cpus().length} cores, load ${load})

Command: \`BENCH_LLM_ONLY=peer pnpm bench:llm\` (\`BENCH_PEER_ROUNDS\`, \`BENCH_PEER_STREAMS\`, \`BENCH_PEER_THREADS\`,
\`BENCH_PEER_TOKENS\`, \`BENCH_PEER_SYNTHETIC_TOKENS\`). ${PEER_INTRO}

${tables}`,
  );
  process.exit(0);
}

if (process.env.BENCH_LLM_ONLY === 'threads') {
  writeThreadsSection(await threads());
  process.exit(0);
}

if (process.env.BENCH_LLM_ONLY === 'long') {
  writeLongConversationSection(await longConversation());
  process.exit(0);
}

const { defaultThreads } = await import(pathToFileURL(path.join(ROOT, 'packages/llm-runtime/dist/index.js')).href);
const { createChatClient } = await import(pathToFileURL(path.join(ROOT, 'packages/protocol/dist/index.js')).href);

async function turns(baseUrl, count) {
  const client = createChatClient({ baseUrl });
  const session = await client.createSession();
  const ttft = [];
  for (let turn = 1; turn <= count; turn++) {
    // The user reading the reply and typing the next message.
    await new Promise((r) => setTimeout(r, THINK_MS));
    ttft.push(await timeToFirstToken(client, session.id, `Turn ${turn}: and then?`));
  }
  return { sessionId: session.id, ttft };
}

async function timeToFirstToken(client, sessionId, message) {
  const start = performance.now();
  let first = 0;
  for await (const e of client.stream({ session_id: sessionId, message, params: { max_tokens: 24 } })) {
    if (e.type === 'token' && first === 0) first = performance.now() - start;
  }
  return first;
}

/**
 * The control: turn `count` of a conversation whose first `count - 1` turns were copied into a new chat, so no
 * sequence holds them and the whole history is evaluated. The first message is reworded so that no cached prefix of
 * the original chat matches either.
 */
async function withoutReuse(baseUrl, sessionId, count) {
  const client = createChatClient({ baseUrl });
  const { items } = await client.listMessages(sessionId, { limit: 200, order: 'asc' });
  const copy = await client.createSession();
  for (const [index, m] of items.slice(0, 2 * (count - 1)).entries()) {
    await client.appendMessage(copy.id, { role: m.role, content: index === 0 ? `Once more. ${m.content}` : m.content });
  }
  await new Promise((r) => setTimeout(r, THINK_MS));
  return timeToFirstToken(client, copy.id, `Turn ${count}: and then?`);
}

/** Conversations of 20 turns through the API on one model, then (with `control`) the control, on a fresh server. */
async function conversationTurns(env, { control = false } = {}, count = 20) {
  const server = await startApiServer({ CHAT_CACHE_TTL: '0', ...env });
  try {
    const client = createChatClient({ baseUrl: server.baseUrl });
    for (let i = 0; i < 600 && (await client.llmStatus()).state !== 'ready'; i++)
      await new Promise((r) => setTimeout(r, 100));
    // Several conversations, median per turn: one conversation's single samples swing with the shared machine's load.
    const runs = [];
    for (let i = 0; i < CONVERSATIONS; i++) runs.push(await turns(server.baseUrl, count));
    const perTurn = runs[0].ttft.map((_, turn) => median(runs.map((r) => r.ttft[turn])));
    const copies = [];
    if (control) for (const run of runs) copies.push(await withoutReuse(server.baseUrl, run.sessionId, count));
    return { perTurn, first: perTurn[0], second: perTurn[1], last: perTurn[count - 1], noReuse: median(copies) };
  } finally {
    await server.stop();
  }
}

/**
 * Prompt evaluation and generation speed with 1 and 2 threads on models of growing size, in alternating rounds so the
 * shared machine's load weighs on both alike. Returns the median of each.
 */
async function threadsBySize(files) {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const rows = [];
  for (const { file, bytes, label } of files) {
    const model = await llama.loadModel({ modelPath: file });
    const prompt = model.tokenize(
      'Once upon a time there was a little girl named Lily. She loved to play outside in the park with her friends and her dog. ',
    );
    const samples = { 1: { pp: [], tg: [] }, 2: { pp: [], tg: [] } };
    for (let round = 0; round < THREAD_ROUNDS; round++) {
      for (const threads of [1, 2]) {
        const context = await model.createContext({ contextSize: 512, threads });
        const sequence = context.getSequence();
        let start = performance.now();
        await sequence.evaluateWithoutGeneratingNewTokens(prompt);
        samples[threads].pp.push(prompt.length / ((performance.now() - start) / 1000));
        let count = 0;
        start = performance.now();
        for await (const _ of sequence.evaluate([prompt.at(-1)], { temperature: 0.8 }))
          if (++count >= THREAD_TOKENS) break;
        samples[threads].tg.push(count / ((performance.now() - start) / 1000));
        await context.dispose();
      }
    }
    await model.dispose();
    rows.push({
      label,
      bytes,
      prompt: prompt.length,
      pp1: median(samples[1].pp),
      pp2: median(samples[2].pp),
      tg1: median(samples[1].tg),
      tg2: median(samples[2].tg),
    });
    console.log(rows.at(-1));
  }
  await llama.dispose();
  return rows;
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-llm-'));
try {
  console.log('Chat Studio vs llama-server');
  const peerResult = await peer();
  const chatModel = MODEL_FILE.replace(/\.gguf$/, '');

  const syntheticDir = path.join(tmp, 'models');
  mkdirSync(syntheticDir);
  const model = await synthetic(syntheticDir);
  const models = [
    { name: `\`${MODEL_FILE}\` (260K parameters)`, env: { MODELS_DIR, CHAT_MODEL: chatModel } },
    {
      name: `synthetic, ${fmt(model.params / 1e6, 0)}M parameters, ${fmt(model.bytes / 1e6, 0)} MB Q8_0`,
      env: { MODELS_DIR: syntheticDir, CHAT_MODEL: path.basename(model.file, '.gguf') },
    },
  ];
  const turnRuns = [];
  for (const [m, { name, env }] of models.entries()) {
    for (const preload of ['on', 'off']) {
      console.log(`time to first token per turn: ${name}, preload ${preload}`);
      const result = await conversationTurns(
        { ...env, LLAMA_PRELOAD_NEXT_TURN: preload, DATABASE_PATH: path.join(tmp, `turns-${m}-${preload}.db`) },
        { control: preload === 'on' },
      );
      turnRuns.push({ name, preload, ...result });
    }
  }

  console.log('threads by model size');
  const sized = [
    {
      file: path.join(MODELS_DIR, MODEL_FILE),
      bytes: statSync(path.join(MODELS_DIR, MODEL_FILE)).size,
      label: `\`${MODEL_FILE}\``,
    },
  ];
  for (const layers of THREAD_LAYERS) {
    const m = layers === SYNTHETIC_LAYERS ? model : await synthetic(syntheticDir, layers);
    sized.push({
      file: m.file,
      bytes: m.bytes,
      label: `synthetic, ${layers} layer${layers === 1 ? '' : 's'}, ${fmt(m.params / 1e6, 0)}M parameters`,
    });
  }
  const threadRows = await threadsBySize(sized);
  console.log('streaming flush, old vs new');
  await benchFlush({ modelsDir: MODELS_DIR, chatModel });

  const turnRow = (t) =>
    `| ${t.name} | ${t.preload} | ${fmt(t.first)} | ${fmt(t.second)} | ${fmt(t.last)} | **${fmt(t.last / t.first, 2)}×** | ${t.preload === 'on' ? `${fmt(t.noReuse)} (${fmt(t.noReuse / t.first, 1)}×)` : ''} |`;
  const summary = {
    peer: peerResult.rows,
    turns: turnRuns.map((t) => ({ ...t, ratio: t.last / t.first })),
  };
  console.log(JSON.stringify(summary, (k, v) => (k === 'perTurn' ? v.map((x) => Math.round(x)) : v), 1));

  const load = peerResult.rows.length ? median(peerResult.rows.map((r) => r.load)) : os.loadavg()[0];
  writeSection(
    'LLM',
    `Command: \`pnpm bench:llm\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load ${fmt(load)} over the
comparison; \`${MODEL_FILE}\` replies of up to ${PEER_TOKENS} tokens, the synthetic model's of ${PEER_SYNTHETIC_TOKENS};
${process.env.BENCH_PEER_ROUNDS ?? 3} rounds). ${PEER_INTRO}

${peerTables(peerResult)}`,
  );
  writeSubsection(
    'LLM',
    'Time to first token at turn 1 and turn 20',
    `### Time to first token at turn 1 and turn 20

Through \`/api/chat/stream\` over a socket, default settings, ${CONVERSATIONS} conversations of 20 turns (\`Turn N: and then?\`,
24-token replies, about 56 tokens a turn), median per turn, each message sent ${THINK_MS} ms after the last reply ended
(the user reading and typing). "Preload" is \`LLAMA_PRELOAD_NEXT_TURN\`: after a reply the runtime evaluates the tokens
that open the next user turn while the user types. "Without reuse" is the control: the first 19 turns copied into a
new chat, so turn 20 evaluates the whole history, as it would without KV-cache reuse. Target: turn 20 ≤ 1.5× turn 1.

| Model | Preload | Turn 1 (ms) | Turn 2 (ms) | Turn 20 (ms) | Turn 20 / turn 1 | Turn 20 without reuse (ms) |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
${turnRuns.map(turnRow).join('\n')}

The synthetic model (\`bench/synthetic-model.mjs\`, written for the run and deleted after) has ${SYNTHETIC_LAYERS} layers of
Llama-3.2-1B's shape (hidden 2048, 32 query and 8 KV heads of 64, FFN 8192), random Q8_0 weights and the test model's
tokenizer: its replies are noise, but its time goes where a real chat model's does, into the weights. stories260K has
attention heads 8 wide in 64-wide layers, so attention over the cached history, not its weights, is most of its cost:
each turn evaluates only its new tokens (a model test asserts this), yet each of those attends to every token before
it, and its turn 20 costs more than its turn 2 whatever is cached. Without the preload the synthetic model's turns
evaluate about twice the tokens of its turn 1: its replies are random tokens that the tokenizer reads back as other
tokens, so part of each reply is evaluated again when it comes back as history (a trained model's replies mostly read
back the same); the preload does that while the user types.

${turnRuns.map((t) => `- Median per turn, ${t.name}, preload ${t.preload} (ms): ${t.perTurn.map((x) => fmt(x, 0)).join(', ')}`).join('\n')}`,
  );
  writeSubsection(
    'LLM',
    'Threads by model size',
    `### Threads by model size (node-llama-cpp's engine alone, no server)

node-llama-cpp in this process, without our server or any HTTP (so not comparable with the llama-server figures
above, which are client-side): one sequence (context 512), a ${threadRows[0].prompt}-token prompt, then ${THREAD_TOKENS} generated
tokens, with 1 and 2 threads in alternating rounds, median of ${THREAD_ROUNDS}. Synthetic models have layers of
Llama-3.2-1B's shape (Q8_0). "Default" is what \`LLAMA_THREADS\` falls back to for that file size with the prebuilt binary.

| Model | File (MB) | Prompt tok/s, 1 thread | 2 threads | Generation tok/s, 1 thread | 2 threads | Default |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${threadRows.map((r) => `| ${r.label} | ${fmt(r.bytes / 1e6, 1)} | ${fmt(r.pp1, 0)} | ${fmt(r.pp2, 0)} | ${fmt(r.tg1, 1)} | ${fmt(r.tg2, 1)} | ${defaultThreads(r.bytes)} |`).join('\n')}`,
  );
  // After the "LLM" section is written: its subsection goes inside it.
  console.log('streams under load, in-process vs worker thread');
  await benchLoad({ modelsDir: MODELS_DIR, chatModel });
  writeThreadsSection(await threads());
  writeLongConversationSection(await longConversation());
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
