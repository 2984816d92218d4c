import type { LlmProvider, ProviderModel } from '../provider/index.js';
import type { RequestQueue } from '../queue/index.js';
import type { Availability } from './availability.js';

/** Options for {@link createProviderSwitch}. */
export interface ProviderSwitchOptions {
  /** The provider active at first (the local one). */
  initial: LlmProvider;
  /** Reads the active provider's sequence count as its capacity; woken when a load may have raised it. */
  queue: RequestQueue;
  /** Aborts loads when the runtime closes. */
  signal: AbortSignal;
}

/** Which provider is active, whether chat can run at all, and loads that switch between providers. */
export interface ProviderSwitch {
  readonly provider: LlmProvider;
  availability: Availability;
  /** Resolves when the latest load attempt has settled; never rejects. */
  readonly loaded: Promise<void>;
  /** Providers being unloaded after a switch. */
  readonly retiring: ReadonlySet<Promise<void>>;
  /** Makes `target` active and loads `modelId` on it; see {@link createProviderSwitch}. */
  load(target: LlmProvider, modelId: string): Promise<ProviderModel>;
  /** The active model's id when it is ready, else null. */
  activeModelId(): string | null;
}

/**
 * Creates the switch. A load makes its provider active at once (status shows its progress); when it succeeds and is
 * still the latest, the queue is woken (its capacity, read from the active provider, may have grown) and the other
 * provider, if it was active before, is unloaded in the background (its replies may finish).
 *
 * @example
 * const providers = createProviderSwitch({ initial: local, queue, signal: closing.signal });
 * await providers.load(remote, 'gpu/llama-3.1-8b');
 */
export function createProviderSwitch(options: ProviderSwitchOptions): ProviderSwitch {
  let provider = options.initial;
  let availability: Availability = { kind: 'unscanned' };
  let loaded: Promise<void> = Promise.resolve();
  const retiring = new Set<Promise<void>>();

  function retire(old: LlmProvider): void {
    const done = old.unload().catch(() => undefined);
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  }

  return {
    get provider() {
      return provider;
    },
    get availability() {
      return availability;
    },
    set availability(next) {
      availability = next;
    },
    get loaded() {
      return loaded;
    },
    retiring,
    load(target, modelId) {
      availability = { kind: 'provider' };
      const previous = provider;
      provider = target;
      const attempt = target.load(modelId, { signal: options.signal }).then((model) => {
        if (provider === target) options.queue.wake();
        if (previous !== target && provider === target) retire(previous);
        return model;
      });
      loaded = attempt.then(
        () => undefined,
        () => undefined,
      );
      return attempt;
    },
    activeModelId() {
      const state = provider.status();
      return state.state === 'ready' ? state.model_id : null;
    },
  };
}
