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
import { keepNewestTurnsInCache, type CacheShiftStrategy } from '../cache-shift/index.js';
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
  const { loaded, slot, plan } = input;
  const retire = loaded.retire.signal;
  const signal = input.request.signal ? AbortSignal.any([input.request.signal, retire]) : retire;
  const sequence = slot.sequence;
  const meterBefore = sequence.tokenMeter.getState();
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: chatWrapperOf(loaded) });
  const seed = resolveSeed(input.request.params?.seed);
  let streamed: Streamed;
  let renderedTokens: number;
  // Keeps the system messages and drops the oldest whole turns when the context fills, in the cache too.
  const shift = keepNewestTurnsInCache(sequence, plan.functions);
  try {
    const window = continuedContextWindow(slot.last, input.history);
    // What the turn renders: the continued window when the last one is reused, else the whole history.
    const tokenizer = loaded.llamaModel.tokenizer;
    renderedTokens = renderedPromptTokens(chat.chatWrapper, tokenizer, window ?? input.history, plan.functions);
    streamed = await streamReply(chat, input, { window, seed, signal, renderedTokens, shift });
  } finally {
    chat.dispose({ disposeSequence: false });
  }
  const endedAt = performance.now();
  const metered = sequence.disposed
    ? { usedInputTokens: 0, usedOutputTokens: 0 }
    : sequence.tokenMeter.diff(meterBefore);
  // Tokens a shift moved in the cache were not evaluated, though node-llama-cpp's meter counts them as input.
  const used = { ...metered, usedInputTokens: Math.max(0, metered.usedInputTokens - shift.moved) };
  const { response } = streamed;
  const read = plan.finish(response, response ? response.response : streamed.text);
  const finish = settleSlot(slot, response, { signal, text: read.text, failed: streamed.failed });
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
    firstTokenAt: streamed.firstTokenAt,
    endedAt,
  });
}

/** What {@link streamReply} came to: node-llama-cpp's response, or what it threw, and the text streamed. */
interface Streamed {
  response: LlamaChatResponse<ChatModelFunctions> | undefined;
  failed: unknown;
  text: string;
  firstTokenAt: number | null;
}

/** Runs node-llama-cpp's generation with the turn's options, passing each piece of text on as it comes. */
async function streamReply(
  chat: LlamaChat,
  input: TurnInput,
  turn: {
    window: ChatHistoryItem[] | undefined;
    seed: number;
    signal: AbortSignal;
    renderedTokens: number;
    shift: CacheShiftStrategy;
  },
): Promise<Streamed> {
  const { slot, request, plan } = input;
  const params = request.params ?? {};
  const sequence = slot.sequence;
  const shiftSize = (of: LlamaContextSequence) => contextShiftSize(of, input.shiftFraction);
  const requestedTokens = params.max_tokens ?? input.defaultMaxTokens;
  const maxTokens = request.fitToContext
    ? clampMaxTokens(requestedTokens, turn.renderedTokens, sequence.contextSize, shiftSize(sequence))
    : requestedTokens;
  const streamed: Streamed = { response: undefined, failed: undefined, text: '', firstTokenAt: null };
  const markFirstToken = () => {
    streamed.firstTokenAt ??= performance.now();
  };
  try {
    streamed.response = await chat.generateResponse(input.history, {
      maxTokens,
      ...samplingOptions(params, turn.seed, toRepeatPenalty(params), input.tokenBias),
      ...constraintOptions(plan, markFirstToken),
      signal: turn.signal,
      stopOnAbortSignal: true,
      contextShift: {
        size: shiftSize,
        strategy: turn.shift.strategy,
        lastEvaluationMetadata: slot.last?.contextShiftMetadata as object | undefined,
      },
      ...(turn.window
        ? { lastEvaluationContextWindow: { history: turn.window, minimumOverlapPercentageToPreventContextShift: 0.5 } }
        : {}),
      onTextChunk: (chunk) => {
        if (chunk.length === 0) return;
        markFirstToken();
        const piece = plan.onText(chunk);
        if (piece.length === 0) return;
        streamed.text += piece;
        request.onToken?.(piece);
      },
    });
  } catch (error) {
    streamed.failed = error;
  }
  return streamed;
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
