import type { ResponseCache } from '../cache/index.js';
import type { ResolvedRuntimeOptions, LlmRuntimeOptions } from '../config/index.js';
import type { OpenAiCompatibleProvider } from '../openai-compatible/index.js';
import type { LlmProvider, TextProvider } from '../provider/index.js';
import type { RequestQueue } from '../queue/index.js';
import { unavailableReason } from './availability.js';
import type { ProviderSwitch } from './provider-switch.js';

/** What the runtime's operations share. */
export interface RuntimeContext {
  config: ResolvedRuntimeOptions;
  logger: LlmRuntimeOptions['logger'];
  local: LlmProvider & TextProvider;
  /** The upstreams' provider; null when none is configured. */
  remote: OpenAiCompatibleProvider | null;
  providers: ProviderSwitch;
  queue: RequestQueue;
  cache: ResponseCache;
  /** Generations, completions and embeddings running now. */
  inFlight: Set<Promise<unknown>>;
  /** Aborted by `close()`. */
  closing: AbortController;
}

/** Whether the runtime is closed. */
export function isClosed(context: RuntimeContext): boolean {
  return context.closing.signal.aborted;
}

/** Null when chat can run now; else a sentence saying why not. */
export function reasonNow(context: RuntimeContext): string | null {
  const { provider, availability } = context.providers;
  return unavailableReason({
    closed: isClosed(context),
    availability,
    status: provider.status(),
    remote: provider === context.remote,
  });
}

/** The upstream names, comma-separated, for reasons. */
export function upstreamNames(context: RuntimeContext): string {
  return [...new Set(context.config.upstreams.map((upstream) => upstream.name))].join(', ');
}
