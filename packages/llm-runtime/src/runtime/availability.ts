import type { ProviderModel, ProviderStatus } from '../provider/index.js';

/**
 * Whether chat can run, before any provider is involved: `unscanned` until `start()`, a reason when no model could be
 * chosen, else `provider` (the active provider's status decides).
 */
export type Availability =
  | { kind: 'unscanned' }
  | { kind: 'no_model'; reason: string }
  | { kind: 'broken'; modelId: string; reason: string }
  | { kind: 'not_found'; modelId: string; reason: string }
  | { kind: 'provider' };

/** An availability that says why no model was chosen. */
export type NoModelChosen = Exclude<Availability, { kind: 'unscanned' } | { kind: 'provider' }>;

/** The availability of a model file that is not a valid GGUF. */
export function brokenAvailability(model: ProviderModel): NoModelChosen {
  return { kind: 'broken', modelId: model.id, reason: `${model.file} is not a valid GGUF: ${model.error}` };
}

/** Inputs of {@link unavailableReason}. */
export interface UnavailableInput {
  closed: boolean;
  availability: Availability;
  /** The active provider's status. */
  status: ProviderStatus;
  /** Whether the active provider is the remote one (its reason is used as it is). */
  remote: boolean;
}

/**
 * Null when chat can run; else a sentence saying why not.
 *
 * @example
 * unavailableReason({ closed: false, availability: { kind: 'unscanned' }, status, remote: false })
 * // 'the runtime has not been started'
 */
export function unavailableReason(input: UnavailableInput): string | null {
  const { availability, status } = input;
  if (input.closed) return 'the runtime is closed';
  if (availability.kind === 'unscanned') return 'the runtime has not been started';
  if (availability.kind !== 'provider') return availability.reason;
  if (status.state === 'ready') return null;
  if (input.remote) return status.reason ?? 'no remote model is selected';
  if (status.state === 'loading') return `model is still loading (${Math.round(status.load_progress * 100)}%)`;
  if (status.state === 'error') return `model failed to load: ${status.reason}`;
  return 'no model is loaded';
}
