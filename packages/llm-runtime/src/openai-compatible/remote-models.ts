import type { ProviderModel } from '../provider/index.js';
import type { UpstreamPool } from './upstream-pool.js';

/** `ModelInfo.provider` and `ProviderInfo.type` of remote models and upstreams. */
export const OPENAI_COMPATIBLE_PROVIDER_ID = 'openai-compatible';

/** A remote model id taken apart: the upstream name and the model as that upstream names it. */
export interface RemoteModelId {
  name: string;
  model: string;
}

/**
 * Splits `<upstream name>/<model id>`; null when the id has no name part or no upstream has that name.
 *
 * @example
 * splitRemoteModelId(pool, 'gpu/llama-3.1-8b') // { name: 'gpu', model: 'llama-3.1-8b' }
 */
export function splitRemoteModelId(pool: UpstreamPool, modelId: string): RemoteModelId | null {
  const slash = modelId.indexOf('/');
  if (slash <= 0) return null;
  const name = modelId.slice(0, slash);
  return pool.all.some((upstream) => upstream.name === name) ? { name, model: modelId.slice(slash + 1) } : null;
}

/** Null when some healthy upstream serves the model; else why none does. */
export function downReason(pool: UpstreamPool, name: string, model: string): string | null {
  if (pool.serving(name, model).length > 0) return null;
  const members = pool.all.filter((upstream) => upstream.name === name);
  if (members.some((upstream) => upstream.healthy)) {
    return `no healthy upstream named "${name}" lists model "${model}"`;
  }
  const latest = members
    .filter((upstream) => upstream.lastError !== null)
    .sort((a, b) => (b.lastCheckedAt?.getTime() ?? 0) - (a.lastCheckedAt?.getTime() ?? 0))[0];
  return `all upstreams for ${name}/${model} are down: ${latest?.lastError ?? 'not checked yet'}`;
}

/** Every model some upstream lists, as `<name>/<model>`, sorted; one that no healthy upstream serves is `broken`. */
export function listRemoteModels(pool: UpstreamPool): ProviderModel[] {
  const seen = new Map<string, ProviderModel>();
  for (const upstream of pool.all) {
    for (const model of upstream.models) {
      const id = `${upstream.name}/${model}`;
      if (!seen.has(id)) seen.set(id, remoteModel(id, model, downReason(pool, upstream.name, model)));
    }
  }
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function remoteModel(id: string, name: string, reason: string | null): ProviderModel {
  return {
    id,
    name,
    provider: OPENAI_COMPATIBLE_PROVIDER_ID,
    file: null,
    size_bytes: null,
    architecture: null,
    parameters: null,
    quantization: null,
    context_length: null,
    has_chat_template: true,
    status: reason ? 'broken' : 'available',
    error: reason,
  };
}
