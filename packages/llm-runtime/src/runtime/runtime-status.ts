import type { LlmStatus, ProviderInfo } from '@chat-studio/protocol';
import type { ProviderStatus } from '../provider/index.js';
import type { Availability } from './availability.js';

/** Inputs of {@link runtimeStatus}. */
export interface RuntimeStatusInput {
  availability: Availability;
  /** The active provider's status. */
  provider: ProviderStatus;
  queueDepth: number;
  /** Requests running now, as the runtime's queue counts them (the provider's own count is not used). */
  sequencesInUse: number;
  queueLimit: number;
  /** The runtime's reason, asked only when the provider gives none. */
  unavailableReason: () => string | null;
}

/**
 * The runtime's status: the active provider's while one is chosen (or before start), else the reason no model
 * could be chosen.
 */
export function runtimeStatus(input: RuntimeStatusInput): LlmStatus {
  const { availability, provider: state } = input;
  const base = {
    queue_depth: input.queueDepth,
    queue_limit: input.queueLimit,
    sequences_in_use: input.sequencesInUse,
    sequences_total: state.sequences_total,
    threads: state.threads,
    gpu: state.gpu,
  };
  if (availability.kind === 'provider' || availability.kind === 'unscanned') {
    return {
      ...base,
      state: availability.kind === 'unscanned' && state.state === 'no_model' ? 'no_model' : state.state,
      model_id: state.model_id,
      load_progress: state.load_progress,
      reason: state.state === 'ready' ? null : (state.reason ?? input.unavailableReason()),
    };
  }
  return {
    ...base,
    state: availability.kind === 'no_model' ? 'no_model' : 'error',
    model_id: 'modelId' in availability ? availability.modelId : null,
    load_progress: 0,
    reason: availability.reason,
  };
}

const LISTED_STATES: Partial<Record<ProviderStatus['state'], ProviderInfo['status']>> = {
  ready: 'ready',
  loading: 'loading',
  error: 'error',
};

/**
 * How the provider list shows the local provider's state: ready, loading and error as they are; otherwise
 * `unavailable` when there is a reason, else `idle` (a remote model is active and the local one is not needed).
 */
export function listedProviderStatus(state: ProviderStatus['state'], reason: string | null): ProviderInfo['status'] {
  return LISTED_STATES[state] ?? (reason ? 'unavailable' : 'idle');
}
