import type { GenerateRequest, GenerateResult, GenerateTiming } from '../../provider/index.js';
import { toTokenBias } from '../../sampling/index.js';
import { toChatHistory } from '../chat-history.js';
import { planGeneration } from '../generation-plan.js';
import { leadingSystemCount, startNextTurnPreload } from '../preload/index.js';
import { withSlot } from '../slot/index.js';
import { runTurn } from '../turn/index.js';
import { loadedOrThrow, type ProviderContext } from './provider-context.js';

/**
 * One chat reply on the session's slot (see `withSlot` for which slot), then, unless the turn failed, the preload of
 * the session's next turn on the same slot.
 */
export async function generateReply(
  context: ProviderContext,
  request: GenerateRequest,
  timing?: GenerateTiming,
): Promise<GenerateResult> {
  const startedAt = timing?.startedAt ?? performance.now();
  const loaded = loadedOrThrow(context);
  const { settings } = context;
  const history = toChatHistory(request.messages, request.params);
  // Everything a request can be refused for is checked before a sequence is taken.
  const tokenBias = toTokenBias(loaded.llamaModel, request.params?.logit_bias);
  const plan = await planGeneration(loaded.llamaModel.llama, request);
  if (plan.instruction) history.splice(leadingSystemCount(history), 0, { type: 'system', text: plan.instruction });
  const { pool, inFlight } = loaded;
  return withSlot({ pool, inFlight, sessionKey: request.sessionKey }, async (slot) => {
    const result = await runTurn({
      loaded,
      slot,
      history,
      request,
      startedAt,
      plan,
      tokenBias,
      defaultMaxTokens: settings.defaultMaxTokens,
      shiftFraction: settings.shiftFraction,
    });
    if (settings.preloadNextTurn && result.stats.finish_reason !== 'error')
      startNextTurnPreload(loaded, slot, settings.shiftFraction);
    return result;
  });
}
