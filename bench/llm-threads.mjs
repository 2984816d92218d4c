// 1 vs 2 threads (and all cores where there are more) for each llama.cpp binary at hand, in interleaved rounds:
// node-llama-cpp's prebuilt binary (no OpenMP: ggml's own threadpool, created per graph, spin-waiting at every
// barrier), node-llama-cpp built from its bundled source with native flags and OpenMP (`pnpm llama:build`), and
// llama-server from the same source. Each measure runs in a child process of its own, so every binary is loaded
// fresh and the environment (OMP_WAIT_POLICY) is set before it loads. Alone: BENCH_LLM_ONLY=threads.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureLlamaServer, startLlamaServer } from './llama-server-peer.mjs';
import { ROOT, median, writeSection } from './lib.mjs';

const TOKENS = Number(process.env.BENCH_THREAD_TOKENS ?? 64);
const ROUNDS = Number(process.env.BENCH_THREAD_ROUNDS ?? 3);
const CHILD_TIMEOUT_MS = Number(process.env.BENCH_THREAD_TIMEOUT_S ?? 120) * 1000;
const PROMPT = 'Once upon a time there was a little girl named Lily. She loved to play outside in the park.';

/** A custom cmake option no build has: getLlama then finds no local build and loads the prebuilt binary. */
const PREBUILT_ONLY = { CHAT_STUDIO_PREBUILT_ONLY: 'ON' };

/** In a child: generation tok/s of `TOKENS` tokens on one sequence of `binary` ('prebuilt' or 'local'). */
async function measureInChild(binary, modelPath, threads) {
  const { createRequire } = await import('node:module');
  const require = createRequire(path.join(ROOT, 'packages/llm-runtime/package.json'));
  const { getLlama, LlamaLogLevel } = await import(pathToFileURL(require.resolve('node-llama-cpp')).href);
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    logLevel: LlamaLogLevel.error,
    ...(binary === 'prebuilt' ? { cmakeOptions: PREBUILT_ONLY } : {}),
  });
  if (binary === 'local' && llama.buildType !== 'localBuild') return { skipped: 'no local build (pnpm llama:build)' };
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 512, threads });
  const sequence = context.getSequence();
  const prompt = model.tokenize(PROMPT);
  let start = performance.now();
  await sequence.evaluateWithoutGeneratingNewTokens(prompt);
  const pp = prompt.length / ((performance.now() - start) / 1000);
  // A warm-up reply first (JIT, the sampler, first-use allocations): llama-server's figure is a warm server's.
  let count = 0;
  for await (const _ of sequence.evaluate([prompt.at(-1)], { temperature: 0.8, seed: 1 })) if (++count >= 8) break;
  await sequence.eraseContextTokenRanges([{ start: prompt.length, end: sequence.nextTokenIndex }]);
  count = 0;
  start = performance.now();
  for await (const _ of sequence.evaluate([prompt.at(-1)], { temperature: 0.8, seed: 1 })) if (++count >= TOKENS) break;
  const tg = count / ((performance.now() - start) / 1000);
  return { pp, tg, buildType: llama.buildType };
}

if (process.argv[2] === '--child') {
  const [binary, modelPath, threads] = process.argv.slice(3);
  console.log(JSON.stringify(await measureInChild(binary, modelPath, Number(threads))));
  process.exit(0);
}

/**
 * Node's own threads kept out of the way of llama.cpp's: V8's GC on the JS thread alone (`--single-threaded-gc`, no
 * concurrent marking or sweeping threads), one V8 platform worker, one libuv pool thread (node-llama-cpp's
 * evaluations run on the libuv pool, one at a time per context).
 */
const QUIET_NODE = { execArgv: ['--single-threaded-gc', '--v8-pool-size=1'], env: { UV_THREADPOOL_SIZE: '1' } };

function child(binary, modelPath, threads, { env = {}, execArgv = [] } = {}) {
  const r = spawnSync(
    process.execPath,
    [...execArgv, import.meta.filename, '--child', binary, modelPath, String(threads)],
    {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      // A collapsed thread count can run at a fraction of a token per second: that is a result, not a wait.
      timeout: CHILD_TIMEOUT_MS,
    },
  );
  if (r.error) return { skipped: `no result within ${CHILD_TIMEOUT_MS / 1000} s (${r.error.message})` };
  const line = r.stdout.trim().split('\n').at(-1);
  try {
    return JSON.parse(line);
  } catch {
    return { skipped: `child failed: ${r.stderr.slice(-300)}` };
  }
}

/**
 * llama-server's own generation speed for the same model and threads (its /completion timings, after a warm-up
 * request). `bias` keeps a random-weight model off its byte tokens (see `byteTokenBias`).
 */
async function measureServer(bin, modelPath, threads, bias) {
  const server = await startLlamaServer({ bin, model: modelPath, threads, slots: 1, ctxSize: 512 });
  try {
    const complete = (n) =>
      fetch(`${server.baseUrl}/completion`, {
        method: 'POST',
        body: JSON.stringify({
          prompt: PROMPT,
          n_predict: n,
          temperature: 0.8,
          seed: 1,
          ignore_eos: true,
          cache_prompt: false,
          ...(bias ? { logit_bias: bias } : {}),
        }),
      });
    await (await complete(8)).arrayBuffer();
    const res = await complete(TOKENS);
    const body = await res.json();
    if (!body.timings)
      return { skipped: `llama-server answered ${res.status}: ${body.error?.message ?? 'no timings'}` };
    return { pp: body.timings.prompt_per_second, tg: body.timings.predicted_per_second };
  } finally {
    await server.stop();
  }
}

/**
 * For each model: rounds of every (binary, threads) pair in turn; medians, and each binary's 2-thread / 1-thread
 * ratio with the load average seen. `models` are `{ label, file, bias? }` (`bias`: llama-server's logit_bias).
 */
export async function benchThreads(models) {
  const cores = os.availableParallelism();
  const threadCounts = cores > 2 ? [1, 2, cores] : [1, 2];
  const peer = ensureLlamaServer({ build: false });
  const binaries = [
    { name: 'node-llama-cpp prebuilt', run: (m, t) => child('prebuilt', m, t) },
    {
      name: 'node-llama-cpp prebuilt, Node threads quiet (--single-threaded-gc, --v8-pool-size=1, UV_THREADPOOL_SIZE=1)',
      run: (m, t) => child('prebuilt', m, t, QUIET_NODE),
    },
    { name: 'node-llama-cpp local build (OpenMP)', run: (m, t) => child('local', m, t) },
    {
      name: 'node-llama-cpp local build, OMP_WAIT_POLICY=PASSIVE',
      run: (m, t) => child('local', m, t, { env: { OMP_WAIT_POLICY: 'PASSIVE' } }),
    },
    {
      name: 'node-llama-cpp local build, Node threads quiet',
      run: (m, t) => child('local', m, t, QUIET_NODE),
    },
    ...(peer.bin ? [{ name: 'llama-server', run: (m, t, bias) => measureServer(peer.bin, m, t, bias) }] : []),
  ];
  if (!peer.bin) console.log(`llama-server peer skipped: ${peer.skipped}`);
  // BENCH_THREAD_VARIANTS: `|`-separated parts of the names above (`=name`: that name exactly), to measure a few.
  const only = process.env.BENCH_THREAD_VARIANTS?.split('|');
  const picked = (name) => only.some((p) => (p.startsWith('=') ? name === p.slice(1) : name.includes(p)));
  if (only) binaries.splice(0, binaries.length, ...binaries.filter((b) => picked(b.name)));
  const rows = [];
  for (const { label, file, bias } of models) {
    const samples = new Map();
    const loads = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const binary of binaries) {
        for (const threads of threadCounts) {
          const key = `${binary.name}|${threads}`;
          const result = await binary.run(file, threads, bias);
          loads.push(os.loadavg()[0]);
          if (result.skipped) samples.set(key, result);
          else if (!samples.get(key)?.skipped) samples.set(key, [...(samples.get(key) ?? []), result]);
        }
      }
    }
    for (const binary of binaries) {
      const byThreads = threadCounts.map((threads) => {
        const got = samples.get(`${binary.name}|${threads}`);
        if (!Array.isArray(got)) return { threads, skipped: got?.skipped ?? 'no sample' };
        return { threads, tg: median(got.map((s) => s.tg)), pp: median(got.map((s) => s.pp)) };
      });
      rows.push({ model: label, binary: binary.name, byThreads, load: median(loads) });
      console.log(JSON.stringify(rows.at(-1)));
    }
  }
  return { rows, threadCounts, cores };
}

/** The markdown table of {@link benchThreads}. */
export function threadsTable({ rows, threadCounts }) {
  const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');
  const head = threadCounts.map((t) => `tok/s, ${t} thread${t === 1 ? '' : 's'}`).join(' | ');
  const ratios = threadCounts.slice(1).map((t) => `${t} / 1 thread`);
  return `| Model | Binary | ${head} | ${ratios.join(' | ')} | Load |
| --- | --- | ${threadCounts.map(() => '---:').join(' | ')} | ${ratios.map(() => '---:').join(' | ')} | ---: |
${rows
  .map((r) => {
    const one = r.byThreads[0];
    if (one.skipped) return `| ${r.model} | ${r.binary} | ${one.skipped} |`;
    // A measure that did not finish is printed as failed with its reason, never as a figure or a ratio.
    const cells = r.byThreads.map((b) => (b.skipped ? `failed (${b.skipped})` : f(b.tg, 1))).join(' | ');
    const ratioCells = r.byThreads
      .slice(1)
      .map((b) => (b.skipped ? '—' : `**${f(b.tg / one.tg, b.tg / one.tg < 0.1 ? 3 : 2)}×**`))
      .join(' | ');
    return `| ${r.model} | ${r.binary} | ${cells} | ${ratioCells} | ${f(r.load, 1)} |`;
  })
  .join('\n')}`;
}

/** Writes the "LLM threads" section of docs/benchmarks.md. */
export function writeThreadsSection(result) {
  writeSection(
    'LLM threads',
    `Command: \`BENCH_LLM_ONLY=threads pnpm bench:llm\` (also part of \`pnpm bench:llm\`; \`BENCH_THREAD_ROUNDS\`,
\`BENCH_THREAD_TOKENS\`). ${new Date().toISOString().slice(0, 10)}, ${result.cores} cores; load average (median over the run) in
the last column. Generation of ${TOKENS} tokens after a short prompt on one sequence (context 512), each measure in a
fresh child process, ${ROUNDS} interleaved rounds of every binary and thread count, median. The local build is
\`pnpm llama:build\` (node-llama-cpp's bundled llama.cpp built here with native flags and OpenMP); where it is
missing its rows say so. llama-server is the peer built from the same source (\`bench/llama-server-peer.mjs\`).

${threadsTable(result)}

Each measure is the engine alone: node-llama-cpp's \`sequence.evaluate\` loop in a child process, llama-server's own
\`timings.predicted_per_second\` (no HTTP on either side), each after a warm-up reply. The random-weight synthetic
model gets llama-server's byte tokens biased away (\`logit_bias\`): llama-server's response parser answers 500 to the
invalid UTF-8 that random byte tokens make ("does not match the expected Content-only format").

Why threads collapse: node-llama-cpp builds its prebuilt binaries with \`GGML_OPENMP=OFF\` (\`compileLLamaCpp.js\`,
CI mode), and its addon sets only \`n_threads\` (no ggml threadpool of its own). ggml then creates a throwaway
threadpool for every graph it computes (threads started and joined at every evaluation) and waits at each of the
graph's barriers by spinning (\`ggml_barrier\`: a loop on an atomic, no yield, no sleep). When the cores are busy
(other processes, Node's own threads), a spinning thread burns its time slice waiting for one that is not running,
hundreds of times per token. llama-server and a local build use OpenMP, whose threads live between evaluations and
whose barrier spins for a while and then sleeps (\`OMP_WAIT_POLICY=PASSIVE\`: sleeps at once). That is not enough on
a tiny model: a stories260K token is about a hundred graph nodes of a few microseconds each, one barrier per node, so
any second thread costs more than it adds — llama-server itself ran 2 threads at 0.27× of 1 on this machine when it
was quiet (4,032 vs 1,098 tok/s, 08:52 UTC, load 0.8), and 0.06× on the 124M synthetic model at load 30. The 2-thread target on the test model
is beyond llama.cpp's own server here; 1 thread for small models (the \`LLAMA_THREADS\` default under 256 MiB with the
prebuilt binary, 64 MiB with a local build) is the setting that avoids the collapse. On the quiet run the 124M
synthetic model gained from 2 threads with the prebuilt binary (119.8 → 143.4 tok/s, 1.20×) but lost 6× from them at
load 11: the default keeps 1 thread there until quiet rounds at several sizes show where the gain starts.`,
  );
}
