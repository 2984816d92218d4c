import type { GenerationParams } from '@chat-studio/protocol';
import type { LlamaContextSequence } from 'node-llama-cpp';
import type { toRepeatPenalty, toTokenBias } from '../../sampling/index.js';
import type { GenerationPlan } from '../generation-plan.js';

import { DEFAULT_TEMPERATURE } from '../defaults.js';

export { DEFAULT_TEMPERATURE };

/**
 * Tokens one context shift frees. node-llama-cpp frees a tenth of the context per shift by default, and every shift
 * re-evaluated all that is left (measured: 3000 tokens from a 2048 context took 5 shifts and 10,869 re-evaluated
 * tokens; with half, 1 and 2,540). Shifts are now done in the KV cache (`keepNewestTurnsInCache`) and evaluate only
 * what does not line up with the cache, but a cut inside a reply still re-evaluates the reply's kept end.
 */
export function contextShiftSize(sequence: LlamaContextSequence, fraction: number): number {
  return Math.max(1, Math.floor(sequence.context.contextSize * fraction));
}

/** Sampling options of a turn, each only when the request sets it (temperature always). */
export function samplingOptions(
  params: GenerationParams,
  seed: number,
  repeatPenalty: ReturnType<typeof toRepeatPenalty>,
  tokenBias: ReturnType<typeof toTokenBias>,
) {
  return {
    temperature: params.temperature ?? DEFAULT_TEMPERATURE,
    ...(params.top_k !== undefined ? { topK: params.top_k } : {}),
    ...(params.top_p !== undefined ? { topP: params.top_p } : {}),
    seed,
    ...(repeatPenalty ? { repeatPenalty } : {}),
    ...(tokenBias ? { tokenBias } : {}),
    ...(params.stop?.length ? { customStopTriggers: params.stop } : {}),
  };
}

/**
 * The grammar or the functions of a turn: node-llama-cpp takes one or the other, never both, and the plan holds at
 * most one of them. `onFirstToken` is called with each function-call chunk, which counts as output for TTFT.
 */
export function constraintOptions(plan: GenerationPlan, onFirstToken: () => void) {
  if (plan.grammar) return { grammar: plan.grammar };
  if (!plan.functions) return {};
  return {
    functions: plan.functions,
    documentFunctionParams: true,
    ...(plan.maxParallelFunctionCalls !== undefined ? { maxParallelFunctionCalls: plan.maxParallelFunctionCalls } : {}),
    onFunctionCallParamsChunk: (chunk: Parameters<NonNullable<GenerationPlan['onFunctionCallParamsChunk']>>[0]) => {
      onFirstToken();
      plan.onFunctionCallParamsChunk?.(chunk);
    },
  };
}
