// Measures the two long-conversation costs: TTFT over a 20-turn session and a reply longer than the context.
// Usage (after `pnpm build`): node bench/long-conversations.mjs [turns|long] ; env OPTS='{"flashAttention":"auto"}'
// passes extra createLlmRuntime options, RUNS sets the repetitions of the turn series (median is printed).
// CPU times (process.cpuUsage, which includes llama.cpp's threads) are printed beside wall times because a
// shared machine's load skews wall times far more than CPU times.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLlmRuntime } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = process.env.MODELS_DIR ?? path.resolve(here, '../../../../shared/models');
const extra = JSON.parse(process.env.OPTS ?? '{}');
const runs = Number(process.env.RUNS ?? 3);
const mode = process.argv[2] ?? 'all';
const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function withRuntime(fn) {
  const runtime = createLlmRuntime({ modelsDir, threads: 1, cacheTtlS: 0, env: {}, ...extra });
  await runtime.start();
  await runtime.whenLoaded();
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

// The API's pattern: each turn sends the whole history, replies stored exactly as streamed, one session key.
async function turns() {
  const table = [];
  for (let run = 0; run < runs; run++) {
    await withRuntime(async (runtime) => {
      const messages = [];
      for (let turn = 1; turn <= 20; turn++) {
        messages.push({ role: 'user', content: `Turn ${turn}: tell me about the little dog and the ball.` });
        let streamed = '';
        let firstCpu = null;
        const before = cpu();
        const result = await runtime.generate({
          messages: messages.map((message) => ({ ...message })),
          params: { max_tokens: 24 },
          sessionKey: 'bench-session',
          onToken: (piece) => {
            firstCpu ??= cpu() - before;
            streamed += piece;
          },
        });
        messages.push({ role: 'assistant', content: streamed });
        table[turn - 1] ??= [];
        table[turn - 1].push({
          ttft: result.stats.time_to_first_token_ms,
          ttftCpu: firstCpu,
          evaluated: result.promptTokensEvaluated,
          prompt: result.stats.prompt_tokens,
        });
      }
    });
  }
  console.log(`options ${JSON.stringify(extra)}; median of ${runs} runs`);
  console.log('turn\tttft_ms\tttft_cpu_ms\tevaluated\tprompt_tokens');
  table.forEach((rows, index) => {
    console.log(
      [
        index + 1,
        median(rows.map((row) => row.ttft)),
        median(rows.map((row) => row.ttftCpu)).toFixed(1),
        rows[0].evaluated,
        rows[0].prompt,
      ].join('\t'),
    );
  });
}

async function longReplies() {
  await withRuntime(async (runtime) => {
    for (const maxTokens of [1000, 3000]) {
      const before = cpu();
      const result = await runtime.generate({
        messages: [{ role: 'user', content: 'Once upon a time' }],
        params: { max_tokens: maxTokens, temperature: 0.8, seed: 1 },
      });
      const cpuMs = cpu() - before;
      const { completion_tokens: tokens, total_ms: totalMs, finish_reason: finish } = result.stats;
      console.log(
        `max_tokens ${maxTokens}: ${tokens} tokens (${finish}), ${totalMs} ms wall = ${Math.round((tokens / totalMs) * 1000)} tok/s, ${Math.round(cpuMs)} ms CPU = ${Math.round((tokens / cpuMs) * 1000)} tok/s per CPU second, ${result.promptTokensEvaluated} prompt tokens evaluated`,
      );
    }
  });
}

if (mode === 'all' || mode === 'turns') await turns();
if (mode === 'all' || mode === 'long') await longReplies();
