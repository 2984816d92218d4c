/**
 * The worker thread's program: hosts the in-process llama.cpp provider on its own event loop, so that generation (a
 * JS round trip per token) never waits behind the main thread's requests. Started by {@link createWorkerLlamaCppProvider}.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createLlamaCppProvider, type LlamaCppProviderOptions } from '../llama-cpp/llama-cpp-provider.js';
import type { GenerateTiming, LlmProvider, TextProvider, ToolCallDelta } from '../provider/index.js';
import {
  type AbortCall,
  SHARED_ABORTS,
  SHARED_SYNC_FLAG,
  SHARED_TOKENS,
  type StreamItem,
  type SyncCall,
  type WireStreamFlags,
  type WorkerCall,
  type WorkerEvent,
  type WorkerMeta,
} from './messages.js';
import { warmLlama } from '../warm/index.js';
import { createTokenBatcher } from './token-batcher.js';
import { fromWireError, toWireError } from './wire-error.js';

/** What the worker is started with. */
export interface WorkerBoot {
  options: LlamaCppProviderOptions;
  tokenBatchMs: number;
  syncPort: MessagePort;
  abortPort: MessagePort;
  shared: SharedArrayBuffer;
  /** Begin llama.cpp's bindings at once (the models folder holds a GGUF file), while the main thread starts up. */
  warm: boolean;
}

type Provider = LlmProvider & TextProvider;

function start(port: MessagePort, boot: WorkerBoot): void {
  // As apps/api's warm step does in-process: node-llama-cpp's binary check overlaps the runtime's start.
  if (boot.warm) warmLlama(boot.options.gpu ?? 'auto', boot.options.logLevel ?? 'warn', boot.options.binaryCheckFile);
  const provider = createLlamaCppProvider(boot.options);
  const shared = new Int32Array(boot.shared);
  const controllers = new Map<number, AbortController>();
  const meta = (): WorkerMeta => ({
    status: provider.status(),
    contextSize: provider.contextSize?.() ?? null,
    embedding: provider.embeddingStatus(),
  });
  const send = (event: WorkerEvent) => port.postMessage(event);
  boot.syncPort.on('message', (call: SyncCall) => {
    boot.syncPort.postMessage({ id: call.id, value: answerSync(provider, call) });
    Atomics.store(shared, SHARED_SYNC_FLAG, 1);
    Atomics.notify(shared, SHARED_SYNC_FLAG);
  });
  const applyAbort = (call: AbortCall) => controllers.get(call.id)?.abort(fromWireError(call.reason));
  boot.abortPort.on('message', applyAbort);
  let abortsSeen = 0;
  /** Reads the aborts posted since the last look, between two tokens, without waiting for this loop's turn. */
  const checkAborts = () => {
    const posted = Atomics.load(shared, SHARED_ABORTS);
    if (posted === abortsSeen) return;
    abortsSeen = posted;
    for (let next = receiveMessageOnPort(boot.abortPort); next; next = receiveMessageOnPort(boot.abortPort)) {
      applyAbort(next.message as AbortCall);
    }
  };
  port.on('message', (call: WorkerCall) => {
    const controller = new AbortController();
    controllers.set(call.id, controller);
    const streamed = (flags: WireStreamFlags) =>
      streamHooks({ id: call.id, flags, controller, shared, boot, send, checkAborts });
    const running = run(provider, call, controller.signal, streamed, (progress) =>
      send({ kind: 'progress', id: call.id, progress, meta: meta() }),
    );
    // A load shows as `loading` at once, as in-process.
    if (call.op === 'load') send({ kind: 'meta', meta: meta() });
    running.then(
      (value) => send({ kind: 'done', id: call.id, value, meta: meta() }),
      (error: unknown) => send({ kind: 'fail', id: call.id, error: toWireError(error), meta: meta() }),
    );
    void running
      .finally(() => controllers.delete(call.id))
      .then(() => {
        if (call.op !== 'close') return;
        // Nothing left to keep this thread alive: its loop ends and the main thread sees it exit.
        boot.syncPort.close();
        boot.abortPort.close();
        port.close();
      })
      .catch(() => undefined);
  });
  send({ kind: 'meta', meta: meta() });
}

interface StreamContext {
  id: number;
  flags: WireStreamFlags;
  controller: AbortController;
  shared: Int32Array;
  boot: WorkerBoot;
  send: (event: WorkerEvent) => void;
  checkAborts: () => void;
}

/**
 * The callbacks of a streamed request: pieces batched to the main thread and counted in shared memory, and a look at
 * the aborts posted after each piece.
 */
function streamHooks({ id, flags, controller, shared, boot, send, checkAborts }: StreamContext) {
  if (flags.aborted) controller.abort(fromWireError(flags.aborted));
  const batcher = createTokenBatcher(boot.tokenBatchMs, (items: StreamItem[]) => send({ kind: 'stream', id, items }));
  return {
    batcher,
    onToken: (text: string) => {
      Atomics.add(shared, SHARED_TOKENS, 1);
      if (flags.streamTokens) batcher.push({ text });
      checkAborts();
    },
    onToolCall: flags.streamToolCalls ? (call: ToolCallDelta) => batcher.push({ call }) : undefined,
  };
}

type Streamed = ReturnType<typeof streamHooks>;

async function run(
  provider: Provider,
  call: WorkerCall,
  signal: AbortSignal,
  streamed: (flags: WireStreamFlags) => Streamed,
  onProgress: (progress: number) => void,
): Promise<unknown> {
  switch (call.op) {
    case 'load':
      return provider.load(call.modelId, { onProgress, signal });
    case 'unload':
      return provider.unload();
    case 'listModels':
      return provider.listModels();
    case 'loadEmbeddingModel':
      return provider.loadEmbeddingModel();
    case 'close':
      return provider.close();
    case 'embed': {
      const { streamTokens: _t, streamToolCalls: _c, aborted, ...request } = call.request;
      if (aborted) streamed({ aborted });
      return provider.embed({ ...request, signal });
    }
    case 'generate': {
      const { streamTokens, streamToolCalls, aborted, ...request } = call.request;
      const hooks = streamed({ streamTokens, streamToolCalls, aborted });
      const { onToolCall } = hooks;
      const timing = toTiming(call.startedAtEpoch);
      return provider
        .generate({ ...request, signal, onToken: hooks.onToken, ...(onToolCall ? { onToolCall } : {}) }, timing)
        .finally(() => hooks.batcher.flush());
    }
    case 'complete': {
      const { streamTokens, streamToolCalls: _c, aborted, ...request } = call.request;
      const hooks = streamed({ streamTokens, aborted });
      return provider
        .complete({ ...request, signal, onToken: hooks.onToken }, toTiming(call.startedAtEpoch))
        .finally(() => hooks.batcher.flush());
    }
  }
}

/** The main thread's `performance.now()` start, carried as wall time and read back on this thread's clock. */
function toTiming(startedAtEpoch: number | undefined): GenerateTiming | undefined {
  return startedAtEpoch === undefined ? undefined : { startedAt: startedAtEpoch - performance.timeOrigin };
}

function answerSync(provider: Provider, call: SyncCall): unknown {
  try {
    if (call.op === 'countTokens') return provider.countTokens?.(call.text) ?? null;
    return provider.preload?.(call.request) ?? 'skipped';
  } catch {
    // The main thread falls back as it does for an unknown answer (an estimate, or `skipped`).
    return undefined;
  }
}

if (parentPort) start(parentPort, workerData as WorkerBoot);
