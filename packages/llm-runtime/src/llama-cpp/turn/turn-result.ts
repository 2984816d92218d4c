import type { FinishReason } from '@chat-studio/protocol';
import type { LlamaChatResponse, LlamaContextSequence } from 'node-llama-cpp';
import type { GenerateResult, ToolCall } from '../../provider/index.js';
import { promptTokensOf } from '../max-tokens.js';

/** The protocol's finish reason for node-llama-cpp's stop reason. */
export function finishReason(stopReason: LlamaChatResponse['metadata']['stopReason']): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'abort') return 'abort';
  return 'stop';
}

/** What a finished turn measured; see {@link turnResult}. */
export interface TurnMeasures {
  modelId: string;
  text: string;
  toolCalls: ToolCall[] | undefined;
  seed: number;
  finish: FinishReason;
  sequence: LlamaContextSequence;
  /** Token meter difference over the turn. */
  used: { usedInputTokens: number; usedOutputTokens: number };
  /** Tokens the turn rendered as its prompt. */
  renderedTokens: number;
  startedAt: number;
  firstTokenAt: number | null;
  endedAt: number;
}

/** The turn's result with its stats: TTFT is the first token's time, the rate covers the tokens after it. */
export function turnResult(measures: TurnMeasures): GenerateResult {
  const { sequence, used, startedAt, firstTokenAt, endedAt } = measures;
  const completionTokens = used.usedOutputTokens;
  const promptTokens = sequence.disposed
    ? used.usedInputTokens
    : promptTokensOf(sequence.contextTokens.length, completionTokens, measures.renderedTokens, sequence.contextSize);
  const generationSeconds = firstTokenAt === null ? 0 : (endedAt - firstTokenAt) / 1000;
  return {
    text: measures.text,
    modelId: measures.modelId,
    seed: measures.seed,
    ...(measures.toolCalls?.length ? { toolCalls: measures.toolCalls } : {}),
    promptTokensEvaluated: used.usedInputTokens,
    stats: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      time_to_first_token_ms: firstTokenAt === null ? null : Math.round(firstTokenAt - startedAt),
      tokens_per_second:
        generationSeconds > 0 && completionTokens > 1 ? round((completionTokens - 1) / generationSeconds) : null,
      total_ms: Math.round(endedAt - startedAt),
      finish_reason: measures.finish,
      // Context shifts re-evaluate kept tokens, so this can fall below what the window held before the turn.
      cached_tokens: Math.max(0, promptTokens - used.usedInputTokens),
    },
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
