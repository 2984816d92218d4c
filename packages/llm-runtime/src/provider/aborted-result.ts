import type { GenerateResult } from './types.js';

/** The result of a request aborted before it produced anything (still queued, or before the first token). */
export function abortedResult(modelId: string, startedAt: number): GenerateResult {
  return {
    text: '',
    modelId,
    promptTokensEvaluated: 0,
    stats: {
      prompt_tokens: 0,
      completion_tokens: 0,
      time_to_first_token_ms: null,
      tokens_per_second: null,
      total_ms: Math.round(performance.now() - startedAt),
      finish_reason: 'abort',
    },
  };
}
