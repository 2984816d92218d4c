/** Main side of the worker: its calls in flight, the mirrored state, and what happens when the thread ends. */
import { existsSync, readdirSync } from 'node:fs';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { ChatUnavailableError } from '../errors/index.js';
import type { LlamaCppProviderOptions } from '../llama-cpp/llama-cpp-provider.js';
import type { ToolCallDelta } from '../provider/index.js';
import {
  SHARED_ABORTS,
  SHARED_BYTES,
  SHARED_TOKENS,
  type WorkerCall,
  type WorkerEvent,
  type WorkerMeta,
} from './messages.js';
import { createSyncBridge } from './sync-bridge.js';
import { fromWireError, toWireError } from './wire-error.js';
import type { WorkerBoot } from './worker-entry.js';

/** The worker thread's young generation (V8's new space), in MB. */
const WORKER_YOUNG_GENERATION_MB = 4;

/** Callbacks of one call in flight. */
export interface CallHooks {
  onToken?: (text: string) => void;
  onToolCall?: (delta: ToolCallDelta) => void;
  onProgress?: (progress: number) => void;
  signal?: AbortSignal;
}

interface Pending extends CallHooks {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Call = WorkerCall extends infer C ? (C extends WorkerCall ? Omit<C, 'id'> : never) : never;

/**
 * The built worker program: the build's bundle (dist/worker-bundle, scripts/bundle-worker.mjs: node-llama-cpp's
 * ~500 modules in a few files, a third of their import cost and 23 MB less RSS, issue #18) when there is one, else
 * the one beside this module; from the TypeScript sources (tests) the package's built ones, since a worker thread
 * cannot run `.ts` on Node 20.
 *
 * @param moduleUrl this module's URL (tests pass another).
 * @example
 * new Worker(workerUrl(), { workerData });
 */
export function workerUrl(moduleUrl: string = import.meta.url): URL {
  const fromSource = moduleUrl.endsWith('.ts');
  const bundle = new URL(
    fromSource ? '../../dist/worker-bundle/worker-entry.js' : '../worker-bundle/worker-entry.js',
    moduleUrl,
  );
  if (existsSync(bundle)) return bundle;
  return new URL(fromSource ? '../../dist/worker-provider/worker-entry.js' : './worker-entry.js', moduleUrl);
}

/** Starts the worker and returns the main side's handle on it. */
export function createWorkerLink(options: LlamaCppProviderOptions, tokenBatchMs: number, syncTimeoutMs: number) {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const counters = new Int32Array(shared);
  const sync = new MessageChannel();
  const aborts = new MessageChannel();
  const boot: WorkerBoot = {
    options,
    tokenBatchMs,
    syncPort: sync.port2,
    abortPort: aborts.port2,
    shared,
    warm: hasGguf(options.modelsDir),
  };
  const transferList = [sync.port2, aborts.port2];
  const worker = new Worker(workerUrl(), {
    workerData: boot,
    transferList,
    name: 'llama.cpp',
    // A small young generation: V8's default lets this thread's grow to tens of MB of pages it keeps; its garbage
    // (a few objects per token) fits in 4 MB. Idle RSS with the test model 167 -> 153 MB (issue #18, shared machine).
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  const bridge = createSyncBridge(sync.port1, counters, syncTimeoutMs);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stopped: ChatUnavailableError | null = null;
  const link = {
    worker,
    meta: initialMeta(options),
    /** Set by `close()` before it asks the worker to close, so that its exit is not taken for a crash. */
    closeRequested: false,
    exited: new Promise<number>((resolve) => worker.once('exit', resolve)),
    tokensGenerated: () => Atomics.load(counters, SHARED_TOKENS),
    sync: (request: Parameters<typeof bridge.call>[0]) => (stopped ? undefined : bridge.call(request)),
    call<T>(message: Call, hooks: CallHooks = {}): Promise<T> {
      if (stopped) return Promise.reject(stopped);
      return startCall<T>({ worker, pending, abortPort: aborts.port1, counters }, nextId++, message, hooks);
    },
  };
  worker.unref();
  sync.port1.unref();
  aborts.port1.unref();
  worker.on('message', (event: WorkerEvent) => dispatch(event, pending, link));
  const stop = (why: string) => {
    stopped = new ChatUnavailableError(
      link.closeRequested ? 'the llama.cpp provider is closed' : `the llama.cpp worker thread stopped (${why})`,
    );
    if (!link.closeRequested) {
      link.meta = { ...link.meta, status: stoppedStatus(link.meta, stopped.reason), contextSize: null };
    }
    for (const entry of pending.values()) entry.reject(stopped);
  };
  worker.on('error', (error) => stop(error.message));
  worker.on('exit', (code) => {
    if (!stopped) stop(`exit code ${code}`);
    sync.port1.close();
    aborts.port1.close();
  });
  return link;
}

export type WorkerLink = ReturnType<typeof createWorkerLink>;

interface CallChannel {
  worker: Worker;
  pending: Map<number, Pending>;
  abortPort: MessagePort;
  counters: Int32Array;
}

/**
 * Posts one call and settles with its answer. The thread is kept referenced while a call is in flight (a script
 * awaiting a reply does not exit) and unreferenced when idle (an idle provider keeps no process alive).
 */
function startCall<T>(channel: CallChannel, id: number, message: Call, hooks: CallHooks): Promise<T> {
  const { worker, pending, abortPort, counters } = channel;
  return new Promise<T>((resolve, reject) => {
    const { signal } = hooks;
    const abort = () => {
      abortPort.postMessage({ id, reason: toWireError(signal?.reason) });
      Atomics.add(counters, SHARED_ABORTS, 1);
    };
    signal?.addEventListener('abort', abort, { once: true });
    const settle = () => {
      signal?.removeEventListener('abort', abort);
      pending.delete(id);
      if (pending.size === 0) worker.unref();
    };
    const entry: Pending = {
      ...hooks,
      resolve(value) {
        settle();
        resolve(value as T);
      },
      reject(error) {
        settle();
        reject(error);
      },
    };
    if (pending.size === 0) worker.ref();
    pending.set(id, entry);
    worker.postMessage({ ...message, id });
  });
}

function dispatch(event: WorkerEvent, pending: Map<number, Pending>, link: { meta: WorkerMeta }): void {
  if (event.kind !== 'stream') link.meta = event.meta;
  if (event.kind === 'meta') return;
  const entry = pending.get(event.id);
  if (!entry) return;
  if (event.kind === 'progress') entry.onProgress?.(event.progress);
  else if (event.kind === 'done') entry.resolve(event.value);
  else if (event.kind === 'fail') entry.reject(fromWireError(event.error));
  else {
    for (const item of event.items) {
      if ('text' in item) entry.onToken?.(item.text);
      else entry.onToolCall?.(item.call);
    }
  }
}

/** Whether `dir` holds a GGUF file (top level, as the registry scans): then a model will be loaded soon. */
function hasGguf(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name.toLowerCase().endsWith('.gguf'));
  } catch {
    // No models folder (yet): the provider reports that itself.
    return false;
  }
}

function initialMeta(options: LlamaCppProviderOptions): WorkerMeta {
  const id = options.embeddingModelId;
  return {
    status: {
      state: 'no_model',
      model_id: null,
      load_progress: 0,
      reason: null,
      sequences_in_use: 0,
      sequences_total: 0,
      threads: null,
      gpu: null,
    },
    contextSize: null,
    embedding: id ? { model_id: id, state: 'idle', reason: null, dimensions: null } : null,
  };
}

function stoppedStatus(meta: WorkerMeta, reason: string): WorkerMeta['status'] {
  return { ...meta.status, state: 'error', reason, load_progress: 0, sequences_in_use: 0, sequences_total: 0 };
}
