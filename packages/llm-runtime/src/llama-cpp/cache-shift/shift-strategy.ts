import type { ChatModelFunctions, LlamaContextSequence } from 'node-llama-cpp';
import { keepNewestTurns, type ContextShiftInput, type ContextShiftOutput } from '../context-shift.js';
import { shiftCacheTo } from './shift-cache.js';

/** A context shift strategy for one turn, and what its shifts moved in the cache instead of evaluating. */
export interface CacheShiftStrategy {
  strategy(input: ContextShiftInput): Promise<ContextShiftOutput>;
  /** Tokens moved in the cache by this turn's shifts (node-llama-cpp's token meter counts them as input). */
  readonly moved: number;
  /** Shifts done in the cache. */
  readonly shifts: number;
}

/**
 * {@link keepNewestTurns}, then the same cut in the sequence's KV cache: node-llama-cpp calls a strategy when the
 * history no longer fits (at the start of a turn or while the reply fills the context), then keeps the cached tokens
 * that equal the start of the shifted prompt and evaluates the rest. Without this only the leading system prompt was
 * such a prefix and every shift evaluated all the kept turns again (measured on the 2-layer synthetic model of
 * Llama-3.2-1B's shape: about 2 s a shift against 75 ms a turn); with it, the cache erases the dropped turns and moves
 * the kept ones, so the shift costs about an ordinary turn.
 *
 * `functions` are the turn's (their documentation is part of the rendered prompt).
 *
 * @example
 * const shift = keepNewestTurnsInCache(sequence, undefined);
 * await chat.generateResponse(history, { contextShift: { strategy: shift.strategy } });
 */
export function keepNewestTurnsInCache(
  sequence: LlamaContextSequence,
  functions: ChatModelFunctions | undefined,
): CacheShiftStrategy {
  let moved = 0;
  let shifts = 0;
  return {
    get moved() {
      return moved;
    },
    get shifts() {
      return shifts;
    },
    async strategy(input) {
      const output = keepNewestTurns(input);
      if (output.metadata.droppedItems === 0 && output.metadata.trimmedCharacters === 0) return output;
      const { contextText } = input.chatWrapper.generateContextState({
        chatHistory: output.chatHistory,
        ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}),
      });
      const done = await shiftCacheTo(sequence, contextText.tokenize(input.tokenizer));
      if (done) {
        moved += done.moved;
        shifts++;
      }
      return output;
    },
  };
}
