import type { ChatHistoryItem, LlamaContextSequence } from 'node-llama-cpp';
import type { GenerateMessage, PreloadRequest, PreloadState } from '../../provider/index.js';
import type { GenerationParams } from '@chat-studio/protocol';
import { continuedContextWindow, toChatHistory, type LastEvaluation } from '../chat-history.js';
import { keepNewestTurns } from '../context-shift.js';
import { chatWrapperOf, type LoadedModel } from '../lifecycle/index.js';
import { contextShiftSize } from '../turn/index.js';
import { sameHistory, upToNextUserText } from './next-user-text.js';
import { PRELOAD_MIN_FREE_TOKENS, runPreload } from './run-preload.js';

/**
 * Evaluates a chat's stored history on an idle sequence (the session's own, else a free one) so that its next
 * turn evaluates only the new message. A history longer than the context is cut as a context shift would cut it.
 */
export function preloadChat(loaded: LoadedModel, request: PreloadRequest, shiftFraction: number): PreloadState {
  const messages = request.messages.filter((message) => message.content !== '');
  const prefix = request.nextUserPrefix ?? '';
  const hasTurns = messages.some((message) => message.role !== 'system');
  if (!hasTurns && prefix === '') return 'skipped';
  // A new chat with staged files: only its system items come before the files' blocks.
  const items = hasTurns ? toChatHistory(messages, request.params) : systemItems(messages, request.params);
  // The stored history ends with a reply, or with a question whose reply failed: no empty turn to fill yet.
  if (hasTurns && messages.at(-1)?.role !== 'assistant') items.pop();
  const own = loaded.pool.ownedBy(request.sessionKey);
  if (own?.busy) return 'skipped';
  if (own?.last && sameHistory(own.last.cleanHistory, items) && (own.last.nextUserPrefix ?? '') === prefix)
    return 'ready';
  const taken = loaded.pool.take(request.sessionKey);
  if (!taken) return 'skipped';
  loaded.pool.give(taken.slot);
  const { slot } = taken;
  const reusable = taken.reused ? slot.last : undefined;
  if (!taken.reused) slot.last = undefined;
  runPreload(loaded, slot, async () => ({
    ...windowToPreload(loaded, slot.sequence, items, reusable, shiftFraction, prefix),
    ...(prefix ? { nextUserPrefix: prefix } : {}),
  }));
  return 'preparing';
}

/** The system items `toChatHistory` would open a history with (it refuses a history of only those). */
function systemItems(messages: readonly GenerateMessage[], params: GenerationParams | undefined): ChatHistoryItem[] {
  return [
    ...(params?.system_prompt ? [params.system_prompt] : []),
    ...messages.filter((message) => message.role === 'system').map((message) => message.content),
  ].map((text) => ({ type: 'system', text }));
}

/** The window the next turn will render: the continued one, else the history, cut when it would not fit. */
function windowToPreload(
  loaded: LoadedModel,
  sequence: LlamaContextSequence,
  items: ChatHistoryItem[],
  reusable: LastEvaluation | undefined,
  shiftFraction: number,
  prefix: string,
): LastEvaluation {
  const continued = continuedContextWindow(reusable, items);
  const chatWrapper = chatWrapperOf(loaded);
  const tokenizer = loaded.llamaModel.tokenizer;
  const window = continued ?? items;
  const length = upToNextUserText(chatWrapper, window, prefix).tokenize(tokenizer).length;
  if (length + PRELOAD_MIN_FREE_TOKENS < sequence.contextSize) {
    return {
      cleanHistory: items,
      contextWindow: window,
      contextShiftMetadata: continued ? reusable?.contextShiftMetadata : undefined,
    };
  }
  const maxTokensCount = sequence.contextSize - contextShiftSize(sequence, shiftFraction);
  const shifted = keepNewestTurns({ chatHistory: items, maxTokensCount, tokenizer, chatWrapper });
  return { cleanHistory: items, contextWindow: shifted.chatHistory, contextShiftMetadata: shifted.metadata };
}
