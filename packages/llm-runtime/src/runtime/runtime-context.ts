import type { ResponseCache } from '../cache/index.js';
import { ChatUnavailableError, type QueueFullError } from '../errors/index.js';
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

/**
 * The one admission decision, asked before any work by `generate`, `complete` and the API alike: why chat cannot run
 * (ChatUnavailableError), else a full queue (QueueFullError); null when a request would run now or wait its turn.
 */
export function refusalNow(context: RuntimeContext): ChatUnavailableError | QueueFullError | null {
  const reason = reasonNow(context);
  return reason ? new ChatUnavailableError(reason) : context.queue.refusal();
}

/** The upstream names, comma-separated, for reasons. */
export function upstreamNames(context: RuntimeContext): string {
  return [...new Set(context.config.upstreams.map((upstream) => upstream.name))].join(', ');
}
