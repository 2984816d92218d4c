/**
 * Embeds the messages of users who opted in to search by meaning, off the request path: new messages as they are
 * stored and existing history once, in batches, from the store's resumable cursor. It waits for the model to be idle
 * before each batch, so it never slows a reply being generated.
 */
import type { ChatStore, EmbeddingProgress } from '@chat-studio/chat-store';
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import type { Logger } from '../observability/index.js';
import { embedTexts, meaningModel } from './embed-texts.js';

export interface BackgroundEmbedderOptions {
  store: ChatStore;
  runtime: LlmRuntime;
  /** Messages per embedding call. Defaults to 32. */
  batchSize?: number;
  /** How often it looks for new messages when not nudged. Defaults to 5000 ms. */
  intervalMs?: number;
  logger?: Logger;
}

/** What `/health` and `pnpm health` show of the background embedding. */
export interface EmbeddingWorkStatus extends EmbeddingProgress {
  /** `off`: no model can embed now; `idle`: nothing pending; `embedding`: working through messages; `error`. */
  state: 'off' | 'idle' | 'embedding' | 'error';
  /** A sentence when `state` is `error` or `off`. */
  reason: string | null;
}

export interface BackgroundEmbedder {
  /** Starts the loop. */
  start(): void;
  /** Looks for new messages now (after a message is stored or a user opts in). */
  nudge(): void;
  /** Runs batches until nothing is pending; for tests and `pnpm embed`. Returns how many messages it embedded. */
  drain(): Promise<number>;
  status(): Promise<EmbeddingWorkStatus>;
  /** Stops after the batch in flight. */
  stop(): Promise<void>;
}

/** Creates the background embedder; nothing runs until `start()` (or `drain()`). */
export function createBackgroundEmbedder(options: BackgroundEmbedderOptions): BackgroundEmbedder {
  const { store, runtime, logger } = options;
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const intervalMs = Math.max(10, options.intervalMs ?? 5000);
  let state: EmbeddingWorkStatus['state'] = 'idle';
  let reason: string | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /** One batch; returns how many messages it stored (0: nothing to do). */
  async function batch(): Promise<number> {
    const model = meaningModel(runtime);
    if (!model) {
      state = 'off';
      reason = 'No model can embed now: set EMBEDDING_MODEL or load a chat model.';
      return 0;
    }
    const pending = await store.vectors.pending(batchSize);
    if (pending.length === 0) {
      state = 'idle';
      reason = null;
      return 0;
    }
    state = 'embedding';
    await runtime.whenIdle();
    const vectors = await embedTexts(
      runtime,
      model,
      // An empty message still gets a vector (the runtime refuses empty input), so the cursor can pass it.
      pending.map((p) => p.content || ' '),
    );
    const dims = vectors[0]?.length ?? 0;
    // A new model or dimension drops the old vectors and resets the cursor: this batch is re-read from the start.
    if (await store.vectors.useModel({ model, dims })) return 1;
    await store.vectors.store(pending.map((p, i) => ({ ...p, vector: vectors[i] ?? new Float32Array(dims) })));
    return pending.length;
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
    running ??= drain()
      .catch((error: unknown) => {
        state = 'error';
        reason = `Embedding failed: ${(error as Error)?.message ?? String(error)}`;
        logger?.warn({ err: error }, 'background embedding failed; retrying later');
        return 0;
      })
      .finally(() => {
        running = undefined;
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
    drain: async () => {
      // A run already under way (a nudge) counts too.
      const before = (await running) ?? 0;
      return before + (await run());
    },
    async status() {
      if (state !== 'error' && !meaningModel(runtime)) {
        state = 'off';
        reason = 'No model can embed now: set EMBEDDING_MODEL or load a chat model.';
      }
      return { state, reason, ...(await store.vectors.progress()) };
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
