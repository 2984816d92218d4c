// Part of `pnpm bench:llm`: tokens/s through /api/chat/stream with the streaming flush of issue #14 (store what was
// sent within 16 tokens or 100 ms) beside the old one (every 500 ms), on the same model, in alternating rounds.
// Alone: `BENCH_LLM_ONLY=flush pnpm bench:llm`. Writes the "LLM stream flush" section of docs/benchmarks.md.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, percentile, startApiServer, writeSection } from './lib.mjs';

const { createChatClient } = await import(pathToFileURL(path.join(ROOT, 'packages/protocol/dist/index.js')).href);
const { openChatStore } = await import(pathToFileURL(path.join(ROOT, 'packages/chat-store/dist/index.js')).href);

const FLUSH_TOKENS = Number(process.env.BENCH_FLUSH_TOKENS ?? 1000);
const FLUSH_ROUNDS = Number(process.env.BENCH_FLUSH_ROUNDS ?? 5);

/** The settings compared: STREAM_FLUSH_MS and STREAM_FLUSH_TOKENS of the API. */
const SETTINGS = [
  { name: 'old: every 500 ms', env: { STREAM_FLUSH_MS: '500', STREAM_FLUSH_TOKENS: '0' } },
  { name: 'new: 16 tokens or 100 ms (default)', env: { STREAM_FLUSH_MS: '100', STREAM_FLUSH_TOKENS: '16' } },
];

/** One reply of `FLUSH_TOKENS` tokens: tokens/s from the first token to the last, as the rest of bench:llm counts. */
async function reply(client) {
  const session = await client.createSession();
  let first = 0;
  let completion = 0;
  for await (const e of client.stream({
    session_id: session.id,
    message: 'Once upon a time',
    params: { max_tokens: FLUSH_TOKENS, temperature: 0.8 },
  })) {
    if (e.type === 'token' && first === 0) first = performance.now();
    if (e.type === 'done') completion = e.stats.completion_tokens;
  }
  return (completion - 1) / ((performance.now() - first) / 1000);
}

/**
 * The store's side alone, which the token rate above hides in noise: the time `messages.writePartial` takes over one
 * reply of `FLUSH_TOKENS` tokens of about 4 characters, writing every `every` tokens, median of 5 replies (SQLite).
 */
async function storeCost(dir, every) {
  const store = await openChatStore({ path: path.join(dir, `store-cost-${every}.db`) });
  try {
    const session = await store.sessions.create('bench');
    const totals = [];
    for (let r = 0; r < 5; r++) {
      const reply = await store.messages.append('bench', session.id, {
        role: 'assistant',
        content: '',
        status: 'partial',
      });
      let text = '';
      let spent = 0;
      for (let i = 1; i <= FLUSH_TOKENS; i++) {
        text += ` w${(i * 7919) % 1000}`;
        if (i % every !== 0) continue;
        const start = performance.now();
        await store.messages.writePartial('bench', reply.id, text);
        spent += performance.now() - start;
      }
      totals.push(spent);
    }
    return median(totals);
  } finally {
    await store.close();
  }
}

/**
 * Runs the comparison and writes its section. `modelsDir` and `chatModel` name the model (the test model by default).
 *
 * @param {{ modelsDir: string, chatModel: string }} model
 */
export async function benchFlush({ modelsDir, chatModel }) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-flush-'));
  try {
    const servers = [];
    for (const [i, s] of SETTINGS.entries()) {
      const server = await startApiServer({
        MODELS_DIR: modelsDir,
        CHAT_MODEL: chatModel,
        DATABASE_PATH: path.join(tmp, `flush-${i}.db`),
        LLAMA_THREADS: '1',
        CHAT_CACHE_TTL: '0',
        ...s.env,
      });
      const client = createChatClient({ baseUrl: server.baseUrl });
      for (let n = 0; n < 600 && (await client.llmStatus()).state !== 'ready'; n++)
        await new Promise((r) => setTimeout(r, 100));
      await reply(client); // warm-up
      servers.push({ ...s, server, client, rates: [] });
    }
    // Alternating rounds: the shared machine's load weighs on both settings alike.
    for (let round = 0; round < FLUSH_ROUNDS; round++) for (const s of servers) s.rates.push(await reply(s.client));
    for (const s of servers) await s.server.stop();
    const [old, now] = servers;
    const fmt = (n, d = 1) => n.toFixed(d);
    const rows = servers.map(
      (s) =>
        `| ${s.name} | ${fmt(median(s.rates))} | ${fmt(percentile(s.rates, 0))}–${fmt(percentile(s.rates, 100))} |`,
    );
    const ratio = median(now.rates) / median(old.rates);
    // The old setting at the old median rate wrote every half second's worth of tokens.
    const oldEvery = Math.max(1, Math.round(median(old.rates) / 2));
    const cost = { old: await storeCost(tmp, oldEvery), new: await storeCost(tmp, 16) };
    const share = (ms, tps) => (ms / ((FLUSH_TOKENS / tps) * 1000)) * 100;
    console.table(servers.map((s) => ({ setting: s.name, tps: median(s.rates) })));
    writeSection(
      'LLM stream flush',
      `Command: \`BENCH_LLM_ONLY=flush pnpm bench:llm\` (also part of \`pnpm bench:llm\`; model \`${chatModel}\`, 1 thread,
${FLUSH_TOKENS}-token replies through \`/api/chat/stream\` over a socket, ${FLUSH_ROUNDS} rounds alternating between two API
processes on their own SQLite files; ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, a machine shared with
other work (load average ${os.loadavg()[1].toFixed(0)} at the end), so single figures are noisy: the Range column shows
how far one reply's rate swings).

A streaming reply is stored as it goes so that a killed process loses little of what clients were shown
(\`STREAM_FLUSH_MS\`, \`STREAM_FLUSH_TOKENS\`). The old setting wrote every 500 ms; the new one writes when 16 sent
tokens are unstored or the oldest is 100 ms old: at this model's speed one \`UPDATE\` of the whole reply text every
16 tokens, about ${Math.round(FLUSH_TOKENS / 16)} per reply.

| Flush | Tokens/s (median) | Range |
| --- | ---: | ---: |
${rows.join('\n')}

- New vs old: **${fmt(ratio * 100)}%** of the old setting's tokens/s (the target: no measurable slowdown).
- The writes alone, timed on the store (\`messages.writePartial\` over one ${FLUSH_TOKENS}-token reply, median of 5):
  every 16 tokens **${fmt(cost.new)} ms** per reply, ${fmt(share(cost.new, median(now.rates)), 2)}% of the reply's generation
  time at the new median rate; every ${oldEvery} tokens (the old 500 ms at the old median rate) ${fmt(cost.old)} ms.
  They run on the event loop while the model computes the next token on a thread of its own, so on a machine
  with a core to spare they delay token delivery rather than slow generation.`,
    );
    return { old: median(old.rates), new: median(now.rates), ratio, cost };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
