import type { ChatHistoryItem, LlamaContextSequence } from 'node-llama-cpp';
import type { PreloadRequest, PreloadState } from '../../provider/index.js';
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
  if (!messages.some((message) => message.role !== 'system')) return 'skipped';
  const items = toChatHistory(messages, request.params);
  // The stored history ends with a reply, or with a question whose reply failed: no empty turn to fill yet.
  if (messages.at(-1)?.role !== 'assistant') items.pop();
  const own = loaded.pool.ownedBy(request.sessionKey);
  if (own?.busy) return 'skipped';
  if (own?.last && sameHistory(own.last.cleanHistory, items)) return 'ready';
  const taken = loaded.pool.take(request.sessionKey);
  if (!taken) return 'skipped';
  loaded.pool.give(taken.slot);
  const { slot } = taken;
  const reusable = taken.reused ? slot.last : undefined;
  if (!taken.reused) slot.last = undefined;
  runPreload(loaded, slot, async () => windowToPreload(loaded, slot.sequence, items, reusable, shiftFraction));
  return 'preparing';
}

/** The window the next turn will render: the continued one, else the history, cut when it would not fit. */
function windowToPreload(
  loaded: LoadedModel,
  sequence: LlamaContextSequence,
  items: ChatHistoryItem[],
  reusable: LastEvaluation | undefined,
  shiftFraction: number,
): LastEvaluation {
  const continued = continuedContextWindow(reusable, items);
  const chatWrapper = chatWrapperOf(loaded);
  const tokenizer = loaded.llamaModel.tokenizer;
  const window = continued ?? items;
  const length = upToNextUserText(chatWrapper, window).tokenize(tokenizer).length;
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
