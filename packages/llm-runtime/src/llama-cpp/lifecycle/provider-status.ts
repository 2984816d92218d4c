import type { ProviderStatus } from '../../provider/index.js';
import type { LoadFailure, LoadingState } from './model-lifecycle.js';

/** What the status of a loaded model shows. */
export interface ReadyModelView {
  modelId: string;
  sequencesInUse: number;
  sequencesTotal: number;
  threads: number;
  /** `cpu`, or the GPU back end (`cuda`, `vulkan`, `metal`). */
  gpu: string;
}

/** Inputs of {@link describeProviderStatus}: the lifecycle's state, with the loaded model as a plain view. */
export interface ProviderStatusInput {
  loading: LoadingState | null;
  ready: ReadyModelView | null;
  failure: LoadFailure | null;
}

const IDLE = { reason: null, sequences_in_use: 0, sequences_total: 0, threads: null } as const;

/**
 * The provider's status: `loading` wins (a replacement is under way), then `ready`, then `error`, else `no_model`.
 *
 * @example
 * describeProviderStatus({ loading: null, ready: null, failure: null }).state // 'no_model'
 */
export function describeProviderStatus(input: ProviderStatusInput): ProviderStatus {
  const { loading, ready, failure } = input;
  if (loading) {
    return {
      ...IDLE,
      state: 'loading',
      model_id: loading.modelId,
      load_progress: loading.progress,
      gpu: ready?.gpu ?? null,
    };
  }
  if (ready) {
    return {
      state: 'ready',
      model_id: ready.modelId,
      load_progress: 1,
      reason: null,
      sequences_in_use: ready.sequencesInUse,
      sequences_total: ready.sequencesTotal,
      threads: ready.threads,
      gpu: ready.gpu,
    };
  }
  if (failure) {
    return { ...IDLE, state: 'error', model_id: failure.modelId, load_progress: 0, reason: failure.reason, gpu: null };
  }
  return { ...IDLE, state: 'no_model', model_id: null, load_progress: 0, gpu: null };
}

/** Why a generation cannot start when no model is loaded: the load under way, or none. */
export function notLoadedReason(loading: LoadingState | null): string {
  return loading ? `model is still loading (${Math.round(loading.progress * 100)}%)` : 'no model is loaded';
}
