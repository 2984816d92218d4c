/** Remote models: OpenAI-compatible upstream servers with health checks, least-outstanding balancing and retries. */
export {
  createOpenAiCompatibleProvider,
  OPENAI_COMPATIBLE_PROVIDER_ID,
  type OpenAiCompatibleProvider,
  type OpenAiCompatibleProviderOptions,
} from './openai-compatible-provider.js';
export { UpstreamRequestError } from './upstream-errors.js';
export { createUpstreamPool, type Upstream, type UpstreamPool, type UpstreamPoolOptions } from './upstream-pool.js';
