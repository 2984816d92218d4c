import type { ProviderStatus } from '../../provider/index.js';
import { describeGpu, describeProviderStatus, type LoadedModel, type ModelLifecycle } from '../lifecycle/index.js';

/** The provider's status from its load state machine and the loaded model's pool. */
export function describeStatus(lifecycle: ModelLifecycle<LoadedModel>): ProviderStatus {
  const current = lifecycle.current;
  const ready = current && {
    modelId: current.model.id,
    sequencesInUse: current.pool.inUse,
    sequencesTotal: current.pool.slots.length,
    threads: current.threads,
    gpu: describeGpu(current.llamaModel.llama.gpu),
  };
  return describeProviderStatus({ loading: lifecycle.loading, ready, failure: lifecycle.failure });
}
