import type { LlamaCppProviderOptions } from '../llama-cpp/llama-cpp-provider.js';
import type {
  GenerateResult,
  GenerateTiming,
  LlmProvider,
  PreloadRequest,
  PreloadState,
  ProviderModel,
  TextProvider,
} from '../provider/index.js';
// Type-only: the registry's module imports node-llama-cpp, which the main thread need not load for this provider.
import type { LLAMA_CPP_PROVIDER_ID } from '../registry/index.js';
import { toWireError } from './wire-error.js';
import { takeEarlyWorker } from './early-worker.js';
import { createWorkerLink } from './worker-link.js';

/** Options for {@link createWorkerLlamaCppProvider}: the in-process provider's, and how the thread talks back. */
export interface WorkerLlamaCppProviderOptions extends LlamaCppProviderOptions {
  /** Longest gap between two batches of streamed pieces after the first (sent at once). Defaults to 4 ms. */
  tokenBatchMs?: number;
  /** Longest wait of a synchronous `countTokens`/`preload` before it answers null/`skipped`. Defaults to 5000 ms. */
  syncTimeoutMs?: number;
}

/** The llama.cpp provider in a worker thread, with what only the thread boundary adds. */
export interface WorkerLlamaCppProvider extends LlmProvider, TextProvider {
  countTokens(text: string): number | null;
  contextSize(): number | null;
  preload(request: PreloadRequest): PreloadState;
  /** Pieces of text generated on the worker so far (one per token), read from shared memory without its event loop. */
  tokensGenerated(): number;
  /** Resolves with the thread's exit code once it has ended (after `close()`, or a crash). */
  readonly exited: Promise<number>;
}

/**
 * The llama.cpp provider hosted in a `worker_threads` Worker with its own event loop: node-llama-cpp's generation
 * loop (a JS round trip per token) then never waits behind the main thread's HTTP requests, and streamed pieces come
 * back in batches. Same contract as {@link createLlamaCppProvider}: errors arrive as the same named classes with
 * their codes, `onToken` sees the same pieces in the same order, aborts stop the worker's generation. `status()`,
 * `contextSize()` and `embeddingStatus()` read a mirror the worker keeps current; `countTokens()` and `preload()`
 * wait for the worker's answer (between two of its tokens). The main thread never imports node-llama-cpp for it.
 *
 * @example
 * const provider = createWorkerLlamaCppProvider({ modelsDir: './models', threads: 1 });
 * await provider.load('stories260K');
 * const { text } = await provider.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 * await provider.close(); // the thread exits
 */
export function createWorkerLlamaCppProvider(options: WorkerLlamaCppProviderOptions): WorkerLlamaCppProvider {
  const { tokenBatchMs = 4, syncTimeoutMs = 5000, ...providerOptions } = options;
  // A worker begun at spawn (`@chat-studio/llm-runtime/early-worker`) for these options is adopted.
  const link =
    takeEarlyWorker(providerOptions, tokenBatchMs, syncTimeoutMs) ??
    createWorkerLink(providerOptions, tokenBatchMs, syncTimeoutMs);
  const ready = () => link.meta.status.state === 'ready';
  const startedAt = (timing: GenerateTiming | undefined) =>
    timing === undefined ? {} : { startedAtEpoch: performance.timeOrigin + timing.startedAt };
  let closing: Promise<void> | null = null;
  return {
    id: 'llama-cpp' satisfies typeof LLAMA_CPP_PROVIDER_ID,
    type: 'llama-cpp',
    name: 'llama.cpp (local GGUF)',
    exited: link.exited,
    tokensGenerated: link.tokensGenerated,
    listModels: () => link.call<ProviderModel[]>({ op: 'listModels' }),
    load(modelId, loadOptions = {}) {
      // `loading` at once, as in-process; the worker's own state replaces it with its first event.
      link.meta = {
        ...link.meta,
        status: { ...link.meta.status, state: 'loading', model_id: modelId, load_progress: 0 },
      };
      return link.call<ProviderModel>({ op: 'load', modelId }, loadOptions);
    },
    generate(request, timing) {
      const { signal, onToken, onToolCall, ...rest } = request;
      const flags = { streamTokens: onToken !== undefined, streamToolCalls: onToolCall !== undefined };
      const aborted = signal?.aborted ? { aborted: toWireError(signal.reason) } : {};
      return link.call<GenerateResult>(
        { op: 'generate', request: { ...rest, ...flags, ...aborted }, ...startedAt(timing) },
        { ...(signal ? { signal } : {}), ...(onToken ? { onToken } : {}), ...(onToolCall ? { onToolCall } : {}) },
      );
    },
    complete(request, timing) {
      const { signal, onToken, ...rest } = request;
      const aborted = signal?.aborted ? { aborted: toWireError(signal.reason) } : {};
      return link.call<GenerateResult>(
        { op: 'complete', request: { ...rest, streamTokens: onToken !== undefined, ...aborted }, ...startedAt(timing) },
        { ...(signal ? { signal } : {}), ...(onToken ? { onToken } : {}) },
      );
    },
    embed(request) {
      const { signal, ...rest } = request;
      const aborted = signal?.aborted ? { aborted: toWireError(signal.reason) } : {};
      return link.call({ op: 'embed', request: { ...rest, ...aborted } }, signal ? { signal } : {});
    },
    preload: (request) =>
      ready() ? ((link.sync({ op: 'preload', request }) as PreloadState) ?? 'skipped') : 'skipped',
    countTokens: (text) => (ready() ? ((link.sync({ op: 'countTokens', text }) as number | null) ?? null) : null),
    contextSize: () => link.meta.contextSize,
    status: () => link.meta.status,
    embeddingStatus: () => link.meta.embedding,
    loadEmbeddingModel: () => link.call<void>({ op: 'loadEmbeddingModel' }),
    unload: () => link.call<void>({ op: 'unload' }),
    close() {
      closing ??= (async () => {
        link.closeRequested = true;
        await link.call<void>({ op: 'close' }).catch(() => undefined);
        // The worker's loop ends by itself once closed; a thread still held by a native handle is ended.
        const timer = setTimeout(() => void link.worker.terminate(), 5000);
        await link.exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
