import type { CompleteRequest, GenerateResult, GenerateTiming } from '../../provider/index.js';
import { completeOnSequence } from '../complete.js';
import { withSlot } from '../slot/index.js';
import { DEFAULT_TEMPERATURE } from '../turn/index.js';
import { loadedOrThrow, type ProviderContext } from './provider-context.js';

/** A plain completion on a free sequence (see completeOnSequence); the slot's chat state is dropped. */
export async function completePrompt(
  context: ProviderContext,
  request: CompleteRequest,
  timing?: GenerateTiming,
): Promise<GenerateResult> {
  const startedAt = timing?.startedAt ?? performance.now();
  const loaded = loadedOrThrow(context);
  const { pool, inFlight } = loaded;
  return withSlot({ pool, inFlight, sessionKey: undefined }, (slot) => {
    const retire = loaded.retire.signal;
    return completeOnSequence(request, {
      sequence: slot.sequence,
      modelId: loaded.model.id,
      signal: request.signal ? AbortSignal.any([request.signal, retire]) : retire,
      defaultMaxTokens: context.settings.defaultMaxTokens,
      defaultTemperature: DEFAULT_TEMPERATURE,
      startedAt,
    });
  });
}
