/** Plain text completion on one context sequence: no chat template, the prompt is continued as written. */
import { LlamaCompletion, type LlamaContextSequence } from 'node-llama-cpp';
import type { FinishReason } from '@chat-studio/protocol';
import { InvalidRequestError } from '../errors/index.js';
import { InputTooLongError } from '../errors/endpoint-errors.js';
import type { CompleteRequest, GenerateResult } from '../provider/index.js';

/** What {@link completeOnSequence} needs besides the request. */
export interface CompleteOnSequenceOptions {
  sequence: LlamaContextSequence;
  modelId: string;
  /** Aborts with the request, or when the model is replaced. */
  signal: AbortSignal;
  defaultMaxTokens: number;
  defaultTemperature: number;
  /** `performance.now()` when the request reached the runtime (TTFT includes the queue wait). */
  startedAt: number;
}

/**
 * Continues `request.prompt` with LlamaCompletion on a sequence the caller holds. The sequence is cleared first (a
 * plain completion shares no KV state with chat turns). A prompt that leaves no room to generate is an
 * InputTooLongError; `max_tokens` beyond the room left is cut to it and the reply ends with `length`.
 */
export async function completeOnSequence(request: CompleteRequest, options: CompleteOnSequenceOptions): Promise<GenerateResult> {
  const { sequence, signal, startedAt } = options;
  const params = request.params ?? {};
  if (params.system_prompt !== undefined) throw new InvalidRequestError('a plain completion has no system prompt');
  await sequence.clearHistory();
  const model = sequence.model;
  const promptTokens = model.tokenize(request.prompt, false, 'trimLeadingSpace');
  const room = sequence.contextSize - promptTokens.length - 1;
  if (room < 1) throw new InputTooLongError(0, promptTokens.length, sequence.contextSize - 1);
  const maxTokens = Math.min(params.max_tokens ?? options.defaultMaxTokens, room);
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const meterBefore = sequence.tokenMeter.getState();
  let text = '';
  let firstTokenAt: number | null = null;
  let finish: FinishReason = 'stop';
  const penalties = request.penalties;
  try {
    const response = await completion.generateCompletionWithMeta(request.prompt, {
      maxTokens,
      temperature: params.temperature ?? options.defaultTemperature,
      ...(params.top_k !== undefined ? { topK: params.top_k } : {}),
      ...(params.top_p !== undefined ? { topP: params.top_p } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(params.repeat_penalty !== undefined || penalties
        ? {
            repeatPenalty: {
              ...(params.repeat_penalty !== undefined ? { penalty: params.repeat_penalty } : {}),
              ...(penalties?.frequency !== undefined ? { frequencyPenalty: penalties.frequency } : {}),
              ...(penalties?.presence !== undefined ? { presencePenalty: penalties.presence } : {}),
            },
          }
        : {}),
      ...(params.stop?.length ? { customStopTriggers: params.stop } : {}),
      // The context holds the prompt and the reply whole: max_tokens was cut to fit, so nothing is shifted out.
      disableContextShift: true,
      signal,
      stopOnAbortSignal: true,
      onTextChunk: (chunk) => {
        if (chunk.length === 0) return;
        firstTokenAt ??= performance.now();
        text += chunk;
        request.onToken?.(chunk);
      },
    });
    text = response.response;
    const reason = response.metadata.stopReason;
    finish = reason === 'maxTokens' ? 'length' : reason === 'abort' ? 'abort' : 'stop';
  } catch (error) {
    if (!signal.aborted && text === '') throw error;
    finish = signal.aborted ? 'abort' : 'error';
  } finally {
    completion.dispose({ disposeSequence: false });
  }
  const endedAt = performance.now();
  const used = sequence.tokenMeter.diff(meterBefore);
  const completionTokens = used.usedOutputTokens;
  const seconds = firstTokenAt === null ? 0 : (endedAt - firstTokenAt) / 1000;
  return {
    text,
    modelId: options.modelId,
    promptTokensEvaluated: used.usedInputTokens,
    stats: {
      prompt_tokens: Math.max(0, sequence.contextTokens.length - completionTokens),
      completion_tokens: completionTokens,
      time_to_first_token_ms: firstTokenAt === null ? null : Math.round(firstTokenAt - startedAt),
      tokens_per_second: seconds > 0 && completionTokens > 1 ? Math.round(((completionTokens - 1) / seconds) * 10) / 10 : null,
      total_ms: Math.round(endedAt - startedAt),
      finish_reason: finish,
      cached_tokens: 0,
    },
  };
}
