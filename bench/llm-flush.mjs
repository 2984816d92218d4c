// Part of `pnpm bench:llm`: tokens/s through /api/chat/stream with the streaming flush of issue #14 (store what was
// sent within 16 tokens or 100 ms) beside the old one (every 500 ms), on the same model, in alternating rounds.
// Alone: `BENCH_LLM_ONLY=flush pnpm bench:llm`. Writes the "LLM stream flush" section of docs/benchmarks.md.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, percentile, startApiServer, writeSection } from './lib.mjs';

const { createChatClient } = await import(pathToFileURL(path.join(ROOT, 'packages/protocol/dist/index.js')).href);

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
    const fmt = (n) => n.toFixed(1);
    const rows = servers.map(
      (s) =>
        `| ${s.name} | ${fmt(median(s.rates))} | ${fmt(percentile(s.rates, 0))}–${fmt(percentile(s.rates, 100))} |`,
    );
    const ratio = median(now.rates) / median(old.rates);
    console.table(servers.map((s) => ({ setting: s.name, tps: median(s.rates) })));
    writeSection(
      'LLM stream flush',
      `Command: \`BENCH_LLM_ONLY=flush pnpm bench:llm\` (also part of \`pnpm bench:llm\`; model \`${chatModel}\`, 1 thread,
${FLUSH_TOKENS}-token replies through \`/api/chat/stream\` over a socket, ${FLUSH_ROUNDS} rounds alternating between two API
processes on their own SQLite files; ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, a machine shared with
other work, so single figures are noisy: compare the medians of the same run).

A streaming reply is stored as it goes so that a killed process loses little of what clients were shown
(\`STREAM_FLUSH_MS\`, \`STREAM_FLUSH_TOKENS\`). The old setting wrote every 500 ms; the new one writes when 16 sent
tokens are unstored or the oldest is 100 ms old: at this model's speed one \`UPDATE\` of the whole reply text every
16 tokens, about ${Math.round(FLUSH_TOKENS / 16)} per reply.

| Flush | Tokens/s (median) | Range |
| --- | ---: | ---: |
${rows.join('\n')}

- New vs old: **${fmt(ratio * 100)}%** of the old setting's tokens/s (the target: no measurable slowdown).`,
    );
    return { old: median(old.rates), new: median(now.rates), ratio };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
