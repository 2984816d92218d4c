import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { alignShift } from './align-tokens.js';

/** What {@link shiftCacheTo} did: tokens erased from the cache and tokens moved down (kept, not evaluated). */
export interface CacheShiftDone {
  erased: number;
  moved: number;
}

/**
 * Makes the sequence's cache a prefix of `tokens` the cheap way when `tokens` drop a stretch of what it holds (a
 * context shift): erases the dropped tokens and moves the rest down (llama.cpp's `seq_rm` + `seq_add`, through
 * node-llama-cpp's `eraseContextTokenRanges`), so that only what follows has to be evaluated. The moved tokens keep
 * what they were computed with, as in llama.cpp's own context shift. Returns undefined, changing nothing, when the
 * cache is already a prefix, when nothing lines up, or when the model cannot move cached tokens (recurrent models).
 *
 * node-llama-cpp charges moved tokens to the sequence's token meter as input; callers subtract `moved`.
 */
export async function shiftCacheTo(
  sequence: LlamaContextSequence,
  tokens: readonly Token[],
): Promise<CacheShiftDone | undefined> {
  if (sequence.disposed || !canMoveCachedTokens(sequence.model)) return undefined;
  const cached = sequence.contextTokens;
  const alignment = alignShift(cached, tokens);
  if (!alignment) return undefined;
  const { start, end, kept } = alignment;
  const ranges = [{ start, end }];
  if (end + kept < cached.length) ranges.push({ start: end + kept, end: cached.length });
  await sequence.eraseContextTokenRanges(ranges);
  return { erased: cached.length - kept - start, moved: kept };
}

/** node-llama-cpp's own test before it moves cached tokens (`adaptStateToTokens`). */
function canMoveCachedTokens(model: LlamaModel): boolean {
  return !model.fileInsights.isRecurrent && model.fileInfo.metadata?.general?.architecture !== 'deepseek2';
}
