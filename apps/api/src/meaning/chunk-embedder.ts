/**
 * Embeds the chunks of large attachments off the request path, in batches, so hybrid retrieval can rank them by
 * meaning. Progress lives in the store (a chunk is embedded or not), so the work resumes after a restart where it
 * stopped. It needs no opt-in: attaching a large file is the user's request to search it. While no model can embed,
 * waiting files are marked `error` with the reason (retrieval goes on by words) and are picked up again once one can.
 */
import type { ChatStore, ChunkIndexTotals } from '@chat-studio/chat-store';
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import type { Logger } from '../observability/index.js';
import { embedTexts, meaningModel } from './embed-texts.js';

export interface ChunkEmbedderOptions {
  store: Pick<ChatStore, 'chunkVectors'>;
  runtime: LlmRuntime;
  /** Chunks read and stored together (each is embedded on its own). Defaults to 8. */
  batchSize?: number;
  /** How often it looks for waiting chunks when not nudged. Defaults to 2000 ms. */
  intervalMs?: number;
  logger?: Logger;
}

/** What the chunk embedder is doing now. */
export interface ChunkEmbedderStatus {
  /** `waiting`: a model is loading; `off`: none can embed (files say why); `error`: the last batch failed. */
  state: 'idle' | 'embedding' | 'waiting' | 'off' | 'error';
  reason: string | null;
}

/** {@link ChunkEmbedderStatus} with the chunk counts over every user (`/health`'s `chunk_indexing`). */
export interface ChunkIndexingReport extends ChunkEmbedderStatus, ChunkIndexTotals {
  model: string | null;
  dims: number | null;
}

export interface ChunkEmbedder {
  /** Starts the loop. */
  start(): void;
  /** Looks for waiting chunks now (after an upload). */
  nudge(): void;
  /** Runs batches until nothing is waiting (or no model can embed); for tests and benches. Returns chunks embedded. */
  drain(): Promise<number>;
  status(): ChunkEmbedderStatus;
  /** The status with the store's totals (a few index counts; `/health` caches it). */
  report(): Promise<ChunkIndexingReport>;
  /** Stops after the batch in flight. */
  stop(): Promise<void>;
}

/** The sentence a waiting file shows while no model can embed. */
export function noEmbeddingModelReason(why: string | null): string {
  return `No model can embed now${why ? ` (${why})` : ''}: the file is searched by words until one can; set EMBEDDING_MODEL or load a chat model.`;
}

/** Creates the chunk embedder; nothing runs until `start()` (or `drain()`). */
export function createChunkEmbedder(options: ChunkEmbedderOptions): ChunkEmbedder {
  const { store, runtime, logger } = options;
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const intervalMs = Math.max(10, options.intervalMs ?? 2000);
  let status: ChunkEmbedderStatus = { state: 'idle', reason: null };
  let stopped = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /** One batch; returns how many chunks it stored (0: nothing to do now). */
  async function batch(): Promise<number> {
    const pending = await store.chunkVectors.pending(batchSize);
    if (pending.length === 0) {
      status = { state: 'idle', reason: null };
      return 0;
    }
    const model = meaningModel(runtime);
    if (!model) {
      const why = runtime.unavailableReason();
      // A model still loading will embed soon: the files stay `indexing` rather than flicker to `error`.
      if (runtime.status().state === 'loading') {
        status = { state: 'waiting', reason: why };
        return 0;
      }
      const reason = noEmbeddingModelReason(why);
      await store.chunkVectors.fail(reason);
      status = { state: 'off', reason };
      return 0;
    }
    status = { state: 'embedding', reason: null };
    const vectors: { chunkId: number; vector: Float32Array }[] = [];
    for (const chunk of pending) {
      if (stopped) break;
      // A reply being generated goes first, and the runtime embeds one request at a time: one chunk per call keeps
      // a turn's question (embedded for retrieval) from waiting behind a whole batch.
      await runtime.whenIdle();
      const [vector] = await embedTexts(runtime, model, [chunk.text]);
      if (vector) vectors.push({ chunkId: chunk.chunkId, vector });
    }
    if (vectors.length === 0) return 0;
    const dims = vectors[0]?.vector.length ?? 0;
    // A new model or dimension drops the old vectors: every file is embedded again, from this batch on.
    await store.chunkVectors.useModel({ model, dims });
    await store.chunkVectors.store(vectors);
    return vectors.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      if (stopped) return total;
      const n = await batch();
      if (n === 0) return total;
      total += n;
    }
  }

  function run(): Promise<number> {
    if (running) {
      // An upload during a run: look once more when it ends, so its chunks never wait for the interval.
      again = true;
      return running;
    }
    running = drain()
      .catch(async (error: unknown) => {
        const reason = `Embedding the file's chunks failed: ${(error as Error)?.message ?? String(error)}`;
        // Logged once per reason: it is retried at every look, and a lasting cause would fill the log.
        if (status.reason !== reason) logger?.warn({ err: error }, 'chunk embedding failed; retrying later');
        status = { state: 'error', reason };
        await store.chunkVectors.fail(reason).catch(() => 0);
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void run();
        }
      });
    return running;
  }

  return {
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => void run(), intervalMs);
      timer.unref();
      void run();
    },
    nudge() {
      if (!stopped) void run();
    },
    async drain() {
      const before = (await running) ?? 0;
      return before + (await run());
    },
    status: () => status,
    async report() {
      const [totals, model] = await Promise.all([store.chunkVectors.totals(), store.chunkVectors.model()]);
      return { ...status, model: model?.model ?? null, dims: model?.dims ?? null, ...totals };
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
