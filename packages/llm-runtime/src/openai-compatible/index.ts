/** Remote models: OpenAI-compatible upstream servers with health checks, least-outstanding balancing and retries. */
export {
  createOpenAiCompatibleProvider,
  OPENAI_COMPATIBLE_PROVIDER_ID,
  type OpenAiCompatibleProvider,
  type OpenAiCompatibleProviderOptions,
} from './openai-compatible-provider.js';
export { UpstreamRequestError } from './upstream-errors.js';
export { createUpstreamPool, type Upstream, type UpstreamPool, type UpstreamPoolOptions } from './upstream-pool.js';
export { createHealthChecks, checkUpstream, type HealthChecks, type HealthChecksOptions } from './health-checks.js';
export { downReason, listRemoteModels, splitRemoteModelId, type RemoteModelId } from './remote-models.js';
export { generateRemote, remoteResult, type RemoteGeneration } from './generate-remote.js';
export { remoteStatus, upstreamInfo } from './remote-status.js';
export { streamChatCompletion, type AttemptOutcome, type StreamAttempt } from './stream-chat-completion.js';
