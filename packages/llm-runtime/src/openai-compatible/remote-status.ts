import type { ProviderInfo } from '@chat-studio/protocol';
import type { ProviderStatus } from '../provider/index.js';
import { downReason, OPENAI_COMPATIBLE_PROVIDER_ID, splitRemoteModelId } from './remote-models.js';
import type { Upstream, UpstreamPool } from './upstream-pool.js';

/**
 * The remote provider's status: ready while a healthy upstream serves the active model, with `concurrency`
 * sequences per serving upstream; an error saying why otherwise.
 */
export function remoteStatus(pool: UpstreamPool, activeModel: string | null, concurrency: number): ProviderStatus {
  const base = { load_progress: activeModel ? 1 : 0, threads: null, gpu: null };
  const target = activeModel ? splitRemoteModelId(pool, activeModel) : null;
  if (!activeModel || !target)
    return { ...base, state: 'no_model', model_id: null, reason: null, sequences_in_use: 0, sequences_total: 0 };
  const members = pool.all.filter((upstream) => upstream.name === target.name);
  const reason = downReason(pool, target.name, target.model);
  return {
    ...base,
    state: reason ? 'error' : 'ready',
    model_id: activeModel,
    reason,
    sequences_in_use: members.reduce((sum, upstream) => sum + upstream.outstanding, 0),
    sequences_total: pool.serving(target.name, target.model).length * concurrency,
  };
}

/** One provider entry per upstream: ready when healthy, loading before its first check, else error. */
export function upstreamInfo(pool: UpstreamPool, upstream: Upstream): ProviderInfo {
  const checked = upstream.lastCheckedAt !== null;
  const unhealthyReason = checked ? (upstream.lastError ?? 'unhealthy') : 'not checked yet';
  return {
    id: upstream.id,
    type: OPENAI_COMPATIBLE_PROVIDER_ID,
    name: `${upstream.name} (${upstream.baseUrl})`,
    status: upstream.healthy ? 'ready' : unhealthyStatus(checked),
    models: upstream.models.length,
    reason: upstream.healthy ? null : unhealthyReason,
    health: pool.health(upstream),
  };
}

function unhealthyStatus(checked: boolean): ProviderInfo['status'] {
  return checked ? 'error' : 'loading';
}
