import type { LlamaContextSequence } from 'node-llama-cpp';
import type { LastEvaluation } from '../chat-history.js';
import { chatWrapperOf, type LoadedModel } from '../lifecycle/index.js';
import type { Preload, StatefulSlot } from '../slot/index.js';
import { shiftCacheTo } from '../cache-shift/index.js';
import { upToNextUserText } from './next-user-text.js';

import { PRELOAD_MIN_FREE_TOKENS, shiftAhead } from './shift-ahead.js';

export { PRELOAD_MIN_FREE_TOKENS };
/** Tokens per evaluation while preloading: between chunks a request that wants the sequence takes over. */
export const PRELOAD_CHUNK_TOKENS = 32;

type Slot = StatefulSlot<LlamaContextSequence>;

/**
 * Runs idle-time evaluation on a free slot: renders `target()`'s window plus an empty user turn, keeps the tokens
 * the sequence already holds, and evaluates the rest in chunks of {@link PRELOAD_CHUNK_TOKENS}, checking between
 * chunks whether a request wants the slot. The next request renders the same tokens as its prefix, so it
 * evaluates only its message; where anything differs, node-llama-cpp compares the tokens and evaluates from the
 * first difference, so a preload never changes what is generated.
 */
export function runPreload(loaded: LoadedModel, slot: Slot, target: () => Promise<LastEvaluation>): void {
  if (slot.sequence.disposed || loaded.retire.signal.aborted) return;
  const previous = slot.preload;
  previous?.controller.abort();
  const preload: Preload = { controller: new AbortController(), done: Promise.resolve() };
  const signal = AbortSignal.any([preload.controller.signal, loaded.retire.signal]);
  const owner = slot.sessionKey;
  const done = (async () => {
    await previous?.done;
    try {
      const next = await target();
      if (signal.aborted) return;
      const evaluated = await evaluatePrefix(loaded, slot.sequence, next, signal);
      // Interrupted, or the slot went to another chat: its state says nothing about what the sequence now holds.
      if (evaluated && !signal.aborted && slot.sessionKey === owner) {
        slot.last = {
          cleanHistory: next.cleanHistory,
          contextWindow: next.contextWindow,
          contextShiftMetadata: next.contextShiftMetadata,
          ...(next.nextUserPrefix ? { nextUserPrefix: next.nextUserPrefix } : {}),
        };
      }
    } catch {
      // Aborted or failed: the next request compares tokens and evaluates whatever is missing.
    } finally {
      if (slot.preload === preload) slot.preload = undefined;
    }
  })();
  preload.done = done;
  slot.preload = preload;
  loaded.inFlight.add(done);
  void done.finally(() => loaded.inFlight.delete(done));
}

/**
 * Evaluates what the sequence lacks of `next`'s window plus an empty user turn, in chunks, until `signal` aborts.
 * False when the window leaves too little room to be worth it (nothing was evaluated).
 */
async function evaluatePrefix(
  loaded: LoadedModel,
  sequence: LlamaContextSequence,
  next: LastEvaluation,
  signal: AbortSignal,
): Promise<boolean> {
  const tokens = upToNextUserText(chatWrapperOf(loaded), next.contextWindow, next.nextUserPrefix).tokenize(
    loaded.llamaModel.tokenizer,
  );
  // Near a full context the next turn shifts anyway (in the cache, see `keepNewestTurnsInCache`).
  if (tokens.length + PRELOAD_MIN_FREE_TOKENS >= sequence.contextSize) return false;
  // A window shorter than what the cache holds was shifted (it dropped the oldest turns): erase those and move the
  // rest in the cache rather than evaluate it again. Shifts ahead of the next turn, while the user types.
  if (tokens.length < sequence.contextTokens.length) await shiftCacheTo(sequence, tokens);
  const { firstDifferentIndex } = sequence.compareContextTokens(tokens);
  if (firstDifferentIndex < sequence.contextTokens.length) {
    await sequence.eraseContextTokenRanges([{ start: firstDifferentIndex, end: sequence.contextTokens.length }]);
  }
  for (let index = firstDifferentIndex; index < tokens.length && !signal.aborted; index += PRELOAD_CHUNK_TOKENS) {
    await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(index, index + PRELOAD_CHUNK_TOKENS));
  }
  return true;
}

/**
 * After a reply: the opening of the session's next user turn, evaluated while the user types; near a full context,
 * after the context shift that turn would need (see {@link shiftAhead}).
 */
export function startNextTurnPreload(loaded: LoadedModel, slot: Slot, shiftFraction: number): void {
  const last = slot.last;
  if (!last) return;
  runPreload(loaded, slot, async () => shiftAhead(loaded, slot.sequence, last, shiftFraction));
}
