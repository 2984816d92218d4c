// The 100-turn conversation of `pnpm bench:llm` (alone: BENCH_LLM_ONLY=long): time to first token per turn on the
// 2-layer synthetic model of Llama-3.2-1B's shape, through the runtime (the KV-cache reuse, preload and context shifts
// the API uses), with the default context and with 8,192 tokens, flash attention off and on.
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, median, writeSection } from './lib.mjs';

const TURNS = Number(process.env.BENCH_LONG_TURNS ?? 100);
const REPLY_TOKENS = 48;
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 500);

/**
 * One conversation of `TURNS` turns on a fresh runtime with `options`; per turn: time to first token, whole turn,
 * prompt tokens, tokens evaluated, and whether the turn came after a context shift (its prompt shrank).
 */
async function conversation(modelsDir, options) {
  const { createLlmRuntime } = await import(pathToFileURL(path.join(ROOT, 'packages/llm-runtime/dist/index.js')).href);
  const runtime = createLlmRuntime({ modelsDir, threads: 1, sequences: 1, cacheTtlS: 0, env: {}, ...options });
  await runtime.start();
  await runtime.whenLoaded();
  const turns = [];
  try {
    const messages = [{ role: 'system', content: 'You are a helpful assistant.' }];
    for (let turn = 1; turn <= TURNS; turn++) {
      messages.push({ role: 'user', content: `Turn ${turn}: what happened next in the story, and why?` });
      const startedAt = performance.now();
      let firstAt = 0;
      const result = await runtime.generate({
        messages: messages.map((m) => ({ ...m })),
        params: { max_tokens: REPLY_TOKENS, seed: turn },
        sessionKey: 'long',
        onToken: () => {
          firstAt ||= performance.now();
        },
      });
      const endedAt = performance.now();
      messages.push({ role: 'assistant', content: result.text });
      const previous = turns.at(-1);
      turns.push({
        // A reply whose first token ended it (the synthetic model's random weights) streamed nothing: its time to
        // first token is the turn's.
        ttft: (firstAt || endedAt) - startedAt,
        total: endedAt - startedAt,
        prompt: result.stats.prompt_tokens,
        evaluated: result.promptTokensEvaluated,
        shift: previous !== undefined && result.stats.prompt_tokens < previous.prompt,
      });
      // The user reading the reply and typing the next message (the preload runs meanwhile).
      await new Promise((r) => setTimeout(r, THINK_MS));
    }
  } finally {
    await runtime.close();
  }
  return turns;
}

/** The figures of one conversation. */
function summarize(label, turns) {
  const at = (n) => turns[Math.min(n, turns.length) - 1];
  const shifts = turns.filter((t) => t.shift);
  const ordinary = turns.filter((t, i) => i > 0 && !t.shift);
  const worst = turns.reduce((a, b) => (b.ttft > a.ttft ? b : a));
  return {
    label,
    turn1: at(1).ttft,
    turn20: at(20).ttft,
    turn50: at(50).ttft,
    turn100: at(TURNS).ttft,
    worst: worst.ttft,
    worstTurn: turns.indexOf(worst) + 1,
    shifts: shifts.length,
    shiftTtft: shifts.length ? median(shifts.map((t) => t.ttft)) : Number.NaN,
    shiftMax: shifts.length ? Math.max(...shifts.map((t) => t.ttft)) : Number.NaN,
    shiftEvaluated: shifts.length ? median(shifts.map((t) => t.evaluated)) : Number.NaN,
    ordinaryTtft: median(ordinary.map((t) => t.ttft)),
    ordinaryEvaluated: median(ordinary.map((t) => t.evaluated)),
    lastPrompt: at(TURNS).prompt,
    ttfts: turns.map((t) => Math.round(t.ttft)),
  };
}

/**
 * Runs the conversation for each variant on the synthetic model file in `modelsDir` (written with an 8,192-token
 * training context). BENCH_LONG_VARIANTS picks some by name (comma-separated).
 */
export async function benchLongConversation({ modelsDir, chatModel }) {
  const variants = [
    { label: 'default context (2,048), flash attention off', options: {} },
    { label: 'context 8,192, flash attention off', options: { contextSize: 8192, flashAttention: false } },
    { label: 'context 8,192, flash attention on', options: { contextSize: 8192, flashAttention: true } },
    { label: 'default context (2,048), flash attention on', options: { flashAttention: true } },
  ];
  const only = process.env.BENCH_LONG_VARIANTS?.split(',').map(Number);
  const rows = [];
  for (const [index, variant] of variants.entries()) {
    if (only && !only.includes(index)) continue;
    console.log(`${TURNS}-turn conversation: ${variant.label} (load ${os.loadavg()[0].toFixed(1)})`);
    const options = { contextSize: 2048, ...variant.options, modelId: chatModel };
    const row = summarize(variant.label, await conversation(modelsDir, options));
    row.load = os.loadavg()[0];
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  return rows;
}

/** The markdown table of {@link benchLongConversation}'s rows. */
export function longConversationTable(rows) {
  const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');
  return `| Variant | Turn 1 | Turn 20 | Turn 50 | Turn ${TURNS} | Turn ${TURNS} / turn 1 | Worst (turn) | Shifts | Shift turn TTFT, median / max | Tokens evaluated, shift / ordinary turn | Load |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows
  .map(
    (r) =>
      `| ${r.label} | ${f(r.turn1)} | ${f(r.turn20)} | ${f(r.turn50)} | ${f(r.turn100)} | **${f(r.turn100 / r.turn1, 2)}×** | ${f(r.worst)} (${r.worstTurn}) | ${r.shifts} | ${f(r.shiftTtft)} / ${f(r.shiftMax)} | ${f(r.shiftEvaluated)} / ${f(r.ordinaryEvaluated)} | ${f(r.load, 1)} |`,
  )
  .join('\n')}`;
}

/** Writes the "LLM long conversation" section of docs/benchmarks.md. */
export function writeLongConversationSection(rows) {
  writeSection(
    'LLM long conversation',
    `Command: \`BENCH_LLM_ONLY=long pnpm bench:llm\` (also part of \`pnpm bench:llm\`; \`BENCH_LONG_VARIANTS=0,2\` picks
variants, \`BENCH_LONG_TURNS\` the turns). ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average at the end of
each variant in the last column (the machine is shared: read ratios, not absolute times).

One conversation of ${TURNS} turns through the runtime (KV-cache reuse, the next-turn preload, context shifts; one
thread, one sequence) on the 2-layer synthetic model of Llama-3.2-1B's shape (\`bench/synthetic-model.mjs\`, trained
context 8,192): a system prompt, \`Turn N: what happened next in the story, and why?\`, ${REPLY_TOKENS}-token replies,
${THINK_MS} ms of "typing" between turns. Times to first token in ms. A shift turn is one whose prompt is shorter than
the last turn's: the oldest turns were dropped (by the preload after the last reply, or by the turn itself). Since
context shifts are done in the KV cache (\`keepNewestTurnsInCache\`: the dropped turns erased, the kept ones moved,
none evaluated again), a shift turn evaluates about what an ordinary turn does; before, it evaluated the whole kept
half of the context again (about 2 s against 75 ms).

${longConversationTable(rows)}

${rows.map((r) => `- TTFT per turn, ${r.label} (ms): ${r.ttfts.join(', ')}`).join('\n')}`,
  );
}
