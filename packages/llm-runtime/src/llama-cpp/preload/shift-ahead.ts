import type { LlamaContextSequence } from 'node-llama-cpp';
import type { LastEvaluation } from '../chat-history.js';
import { keepNewestTurns } from '../context-shift.js';
import { chatWrapperOf, type LoadedModel } from '../lifecycle/index.js';
import { contextShiftSize } from '../turn/index.js';
import { upToNextUserText } from './next-user-text.js';

/** Free tokens a sequence needs for the next-turn preload; with fewer, the preload shifts the window first. */
export const PRELOAD_MIN_FREE_TOKENS = 128;

/**
 * The window a session's next turn continues: the last one, or, when it leaves less than
 * {@link PRELOAD_MIN_FREE_TOKENS} for the next message, the last one cut as the turn's context shift would cut it
 * (system messages and the newest whole turns), so that the preload does the shift while the user types. The preload
 * does it in the cache (`shiftCacheTo`): the dropped turns are erased and the kept ones moved, none evaluated.
 */
export function shiftAhead(
  loaded: LoadedModel,
  sequence: LlamaContextSequence,
  last: LastEvaluation,
  shiftFraction: number,
): LastEvaluation {
  const chatWrapper = chatWrapperOf(loaded);
  const tokenizer = loaded.llamaModel.tokenizer;
  const length = upToNextUserText(chatWrapper, last.contextWindow).tokenize(tokenizer).length;
  if (length + PRELOAD_MIN_FREE_TOKENS < sequence.contextSize) return last;
  const maxTokensCount = sequence.contextSize - contextShiftSize(sequence, shiftFraction);
  const shifted = keepNewestTurns({ chatHistory: last.contextWindow, maxTokensCount, tokenizer, chatWrapper });
  return { ...last, contextWindow: shifted.chatHistory, contextShiftMetadata: shifted.metadata };
}
