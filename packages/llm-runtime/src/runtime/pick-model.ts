import type { ProviderModel } from '../provider/index.js';
import { brokenAvailability, type NoModelChosen } from './availability.js';

/** The model to load at start, and which provider serves it. */
export interface ModelChoice {
  target: 'local' | 'remote';
  model: ProviderModel;
}

/** Inputs of {@link pickModel}. */
export interface PickModelInput {
  /** The local models folder's models. */
  local: readonly ProviderModel[];
  /** The upstreams' models; empty without upstreams. */
  remote: readonly ProviderModel[];
  /** CHAT_MODEL: the model asked for, if any. */
  wanted: string | undefined;
  /** The models folder as reasons name it (see `displayModelsDir`). */
  modelsDir: string;
  /** Upstream names, for reasons; undefined when no upstream is configured. */
  upstreamNames: string | undefined;
  /** Why no upstream listed a model, for the reason when nothing is found anywhere. */
  upstreamsReason: () => string;
}

/**
 * Chooses the model to load at start: the one asked for (local first, then remote; a remote one that is down still
 * becomes active, ready as soon as an upstream serving it is back), else the first available local model, else the
 * first available remote one. With nothing usable, says why: a broken file, a missing model, or an empty folder.
 *
 * @example
 * pickModel({ local: [tiny], remote: [], wanted: undefined, modelsDir: 'models', upstreamNames: undefined, upstreamsReason: () => '' })
 * // { target: 'local', model: tiny }
 */
export function pickModel(input: PickModelInput): ModelChoice | NoModelChosen {
  const { local, remote, wanted } = input;
  if (wanted) return pickWanted(input, wanted);
  const usable = local.find((model) => model.status === 'available');
  if (usable) return { target: 'local', model: usable };
  const usableRemote = remote.find((model) => model.status === 'available');
  if (usableRemote && input.upstreamNames !== undefined) return { target: 'remote', model: usableRemote };
  const broken = local.find((model) => model.status === 'broken');
  if (broken) return brokenAvailability(broken);
  const empty = `no model found in ${input.modelsDir}: put a .gguf file there`;
  if (input.upstreamNames === undefined) return { kind: 'no_model', reason: empty };
  return { kind: 'no_model', reason: `${empty}; ${remote[0]?.error ?? input.upstreamsReason()}` };
}

function pickWanted(input: PickModelInput, wanted: string): ModelChoice | NoModelChosen {
  const model = input.local.find((candidate) => candidate.id === wanted);
  const remoteModel = input.remote.find((candidate) => candidate.id === wanted);
  if (!model && remoteModel && input.upstreamNames !== undefined) return { target: 'remote', model: remoteModel };
  if (!model) {
    const where =
      input.upstreamNames === undefined
        ? input.modelsDir
        : `${input.modelsDir} or on the upstreams (${input.upstreamNames})`;
    return { kind: 'not_found', modelId: wanted, reason: `model "${wanted}" (CHAT_MODEL) not found in ${where}` };
  }
  if (model.status === 'broken') return brokenAvailability(model);
  return { target: 'local', model };
}

/** Whether `pickModel` chose a model (else it said why not). */
export function isChoice(result: ModelChoice | NoModelChosen): result is ModelChoice {
  return 'target' in result;
}
