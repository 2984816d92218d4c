import type { ModelInfo, ProviderInfo } from '@chat-studio/protocol';
import { reasonNow, type RuntimeContext } from './runtime-context.js';
import { listedProviderStatus } from './runtime-status.js';

/** Every model of the folder and the upstreams, with `active` on the one in use. */
export async function listAllModels(context: RuntimeContext): Promise<ModelInfo[]> {
  const active = context.providers.activeModelId();
  const models = [...(await context.local.listModels()), ...((await context.remote?.listModels()) ?? [])];
  return models.map((model) => ({ ...model, active: model.id === active }));
}

/** The local provider, then one entry per upstream (with its health). */
export async function listProviders(context: RuntimeContext): Promise<ProviderInfo[]> {
  const { local, remote } = context;
  const state = local.status();
  const models = await local.listModels();
  // While a remote model is active, the local provider is merely idle; the runtime's reason is the remote's.
  const reason = context.providers.provider === local ? reasonNow(context) : state.reason;
  const localInfo: ProviderInfo = {
    id: local.id,
    type: local.type,
    name: local.name,
    status: listedProviderStatus(state.state, reason),
    models: models.length,
    reason,
  };
  return [localInfo, ...(remote?.providerInfos() ?? [])];
}
