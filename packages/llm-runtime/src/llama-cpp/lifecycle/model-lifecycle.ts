import type { ModelLoadError } from '../../errors/index.js';

/** A load under way: the model asked for and its progress from 0 to 1. */
export interface LoadingState {
  modelId: string;
  progress: number;
}

/** The last load that failed, until the next load or unload. */
export interface LoadFailure {
  modelId: string;
  reason: string;
}

/** Options for {@link createModelLifecycle}. */
export interface ModelLifecycleOptions<M> {
  /** Frees a model that is replaced or unloaded; the lifecycle waits for it before the next one is opened. */
  retire(model: M): Promise<void>;
  /** Turns what a failed open threw into the error the load rejects with; its `reason` becomes the failure. */
  toLoadError(modelId: string, error: unknown): ModelLoadError;
}

/** What a load step may do; see {@link ModelLifecycle.load}. */
export interface LoadStep<M> {
  /** The model loaded now, if any. */
  readonly current: M | null;
  /** Reports progress from 0 to 1 (shown by `loading`). */
  report(progress: number): void;
  /**
   * Retires the current model, then makes what `open` resolves to current. A failure of either is recorded as the
   * lifecycle's `failure` and rethrown as `toLoadError`'s error.
   */
  replace(open: () => Promise<M>): Promise<M>;
}

/** The load state machine: `no_model` → `loading` → `ready` or `error`, one load at a time. */
export interface ModelLifecycle<M> {
  readonly current: M | null;
  readonly loading: LoadingState | null;
  readonly failure: LoadFailure | null;
  /**
   * Runs `step` after every earlier load has settled (the later load replaces the earlier). `loading` is set from
   * this call on and cleared when the step settles.
   */
  load<R>(modelId: string, step: (load: LoadStep<M>) => Promise<R>): Promise<R>;
  /** Waits for loads under way, clears the failure and retires the current model. */
  unload(): Promise<void>;
  /** Waits for loads under way, calls `beforeRetire` on the current model, retires it and waits for every retirement. */
  close(beforeRetire?: (model: M) => void): Promise<void>;
}

/**
 * Creates the load state machine of a provider that holds one model at a time.
 *
 * @example
 * const lifecycle = createModelLifecycle({ retire: (m) => m.dispose(), toLoadError: (id, e) => new ModelLoadError(id, String(e)) });
 * await lifecycle.load('tiny', (step) => step.replace(() => openModel('tiny')));
 */
export function createModelLifecycle<M>(options: ModelLifecycleOptions<M>): ModelLifecycle<M> {
  let current: M | null = null;
  let loading: LoadingState | null = null;
  let failure: LoadFailure | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  const retiring = new Set<Promise<void>>();

  async function retireCurrent(): Promise<void> {
    const old = current;
    current = null;
    if (!old) return;
    const done = options.retire(old);
    retiring.add(done);
    try {
      // Memory: the old model must be gone before the next one is mapped.
      await done;
    } finally {
      retiring.delete(done);
    }
  }

  function stepFor(modelId: string): LoadStep<M> {
    return {
      get current() {
        return current;
      },
      report(progress) {
        if (loading) loading.progress = progress;
      },
      async replace(open) {
        failure = null;
        try {
          await retireCurrent();
          current = await open();
          return current;
        } catch (error) {
          const wrapped = options.toLoadError(modelId, error);
          failure = { modelId, reason: wrapped.reason };
          throw wrapped;
        }
      },
    };
  }

  return {
    get current() {
      return current;
    },
    get loading() {
      return loading;
    },
    get failure() {
      return failure;
    },
    load(modelId, step) {
      // Status says "loading" from this call on, even while an earlier load finishes.
      loading = { modelId, progress: 0 };
      const next = chain.then(async () => {
        loading = { modelId, progress: 0 };
        try {
          return await step(stepFor(modelId));
        } finally {
          loading = null;
        }
      });
      chain = next.catch(() => undefined);
      return next;
    },
    async unload() {
      await chain;
      failure = null;
      await retireCurrent();
    },
    async close(beforeRetire) {
      await chain;
      if (current) beforeRetire?.(current);
      await retireCurrent();
      await Promise.allSettled([...retiring]);
    },
  };
}
