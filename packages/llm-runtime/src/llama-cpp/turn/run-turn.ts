import type { FinishReason } from '@chat-studio/protocol';
import {
  LlamaChat,
  type ChatHistoryItem,
  type ChatModelFunctions,
  type LlamaChatResponse,
  type LlamaContextSequence,
} from 'node-llama-cpp';
import type { GenerateRequest, GenerateResult } from '../../provider/index.js';
import { resolveSeed, toRepeatPenalty, type toTokenBias } from '../../sampling/index.js';
import { continuedContextWindow } from '../chat-history.js';
import { keepNewestTurns } from '../context-shift.js';
import type { GenerationPlan } from '../generation-plan.js';
import { chatWrapperOf, type LoadedModel } from '../lifecycle/index.js';
import { clampMaxTokens, renderedPromptTokens } from '../max-tokens.js';
import type { StatefulSlot } from '../slot/index.js';
import { constraintOptions, contextShiftSize, samplingOptions } from './turn-options.js';
import { finishReason, turnResult } from './turn-result.js';

/** One chat turn on a slot the caller holds; see {@link runTurn}. */
export interface TurnInput {
  loaded: LoadedModel;
  slot: StatefulSlot<LlamaContextSequence>;
  history: ChatHistoryItem[];
  request: GenerateRequest;
  /** `performance.now()` when the request reached the runtime. */
  startedAt: number;
  plan: GenerationPlan;
  tokenBias: ReturnType<typeof toTokenBias>;
  defaultMaxTokens: number;
  shiftFraction: number;
}

/**
 * Generates one reply on the slot's sequence, continuing the slot's last evaluation where the history extends it
 * (so only the new message is evaluated), and records the new evaluation on the slot. An abort, or a failure after
 * some text, resolves with that text; a failure before any text throws.
 */
export async function runTurn(input: TurnInput): Promise<GenerateResult> {
  const { loaded, slot, history, request, plan } = input;
  const params = request.params ?? {};
  const retire = loaded.retire.signal;
  const signal = request.signal ? AbortSignal.any([request.signal, retire]) : retire;
  const sequence = slot.sequence;
  const meterBefore = sequence.tokenMeter.getState();
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: chatWrapperOf(loaded) });
  const window = continuedContextWindow(slot.last, history);
  const seed = resolveSeed(params.seed);
  const shiftSize = (of: LlamaContextSequence) => contextShiftSize(of, input.shiftFraction);
  // What the turn renders: the continued window when the last one is reused, else the whole history.
  const renderedTokens = renderedPromptTokens(
    chat.chatWrapper,
    loaded.llamaModel.tokenizer,
    window ?? history,
    plan.functions,
  );
  const requestedTokens = params.max_tokens ?? input.defaultMaxTokens;
  const maxTokens = request.fitToContext
    ? clampMaxTokens(requestedTokens, renderedTokens, sequence.contextSize, shiftSize(sequence))
    : requestedTokens;
  let text = '';
  let firstTokenAt: number | null = null;
  const markFirstToken = () => {
    firstTokenAt ??= performance.now();
  };
  let response: LlamaChatResponse<ChatModelFunctions> | undefined;
  let failed: unknown;
  try {
    response = await chat.generateResponse(history, {
      maxTokens,
      ...samplingOptions(params, seed, toRepeatPenalty(params), input.tokenBias),
      ...constraintOptions(plan, markFirstToken),
      signal,
      stopOnAbortSignal: true,
      // Keeps the system messages and drops the oldest whole turns when the context fills.
      contextShift: {
        size: shiftSize,
        strategy: keepNewestTurns,
        lastEvaluationMetadata: slot.last?.contextShiftMetadata as object | undefined,
      },
      ...(window
        ? { lastEvaluationContextWindow: { history: window, minimumOverlapPercentageToPreventContextShift: 0.5 } }
        : {}),
      onTextChunk: (chunk) => {
        if (chunk.length === 0) return;
        markFirstToken();
        const piece = plan.onText(chunk);
        if (piece.length === 0) return;
        text += piece;
        request.onToken?.(piece);
      },
    });
  } catch (error) {
    failed = error;
  } finally {
    chat.dispose({ disposeSequence: false });
  }
  const endedAt = performance.now();
  const used = sequence.disposed ? { usedInputTokens: 0, usedOutputTokens: 0 } : sequence.tokenMeter.diff(meterBefore);
  const read = plan.finish(response, response ? response.response : text);
  const finish = settleSlot(slot, response, { signal, text: read.text, failed });
  return turnResult({
    modelId: loaded.model.id,
    text: read.text,
    toolCalls: read.toolCalls,
    seed,
    finish,
    sequence,
    used,
    renderedTokens,
    startedAt: input.startedAt,
    firstTokenAt,
    endedAt,
  });
}

/**
 * Records what the sequence now holds and says how the turn ended. Without a response the slot's state is unknown:
 * an abort or a failure after some text ends the turn with that text, a failure before any text is rethrown.
 */
function settleSlot(
  slot: StatefulSlot<LlamaContextSequence>,
  response: LlamaChatResponse<ChatModelFunctions> | undefined,
  outcome: { signal: AbortSignal; text: string; failed: unknown },
): FinishReason {
  if (response) {
    slot.last = { ...response.lastEvaluation };
    return finishReason(response.metadata.stopReason);
  }
  slot.last = undefined;
  if (outcome.signal.aborted) return 'abort';
  if (outcome.text.length > 0) return 'error';
  throw outcome.failed;
}
