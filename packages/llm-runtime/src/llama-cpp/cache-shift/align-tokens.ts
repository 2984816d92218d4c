/**
 * How a sequence's cached tokens line up with a shifted prompt: the prompt keeps the cache's first `start` tokens,
 * drops the cached tokens `[start, end)` (the oldest turns) and goes on with `kept` tokens equal to the cached ones
 * from `end`. Erasing `[start, end)` and moving the `kept` tokens down to `start` leaves the cache holding the first
 * `start + kept` tokens of the prompt, without evaluating any of them again.
 */
export interface CacheAlignment {
  start: number;
  end: number;
  kept: number;
}

/** Fewer kept tokens than this are not worth a shift: they are cheaper to evaluate than to stitch in. */
export const MIN_KEPT_TOKENS = 8;

/**
 * Finds where `prompt` continues `cached` after a gap: the common prefix, then the gap in `cached` after which the
 * longest run of `cached` equals the prompt's next tokens. Undefined when `cached` is already a prefix of `prompt`
 * (nothing to drop) or when no run of at least {@link MIN_KEPT_TOKENS} tokens (or the whole rest of `cached`) matches.
 *
 * @example
 * alignShift([1, 2, 3, 4, 5, 6], [1, 2, 5, 6, 7]) // { start: 2, end: 4, kept: 2 } (with a minimum of 1)
 */
export function alignShift(
  cached: readonly number[],
  prompt: readonly number[],
  minKept = MIN_KEPT_TOKENS,
): CacheAlignment | undefined {
  let start = 0;
  while (start < cached.length && start < prompt.length && cached[start] === prompt[start]) start++;
  if (start === cached.length || start === prompt.length) return undefined;
  let best: CacheAlignment | undefined;
  // A later gap end can keep at most what is left of `cached` after it: stop once that cannot beat the best run.
  for (let end = start + 1; end < cached.length && cached.length - end > (best?.kept ?? 0); end++) {
    let kept = 0;
    while (end + kept < cached.length && start + kept < prompt.length && cached[end + kept] === prompt[start + kept])
      kept++;
    if (kept > (best?.kept ?? 0)) best = { start, end, kept };
  }
  if (!best) return undefined;
  const reachesEnd = best.end + best.kept === cached.length;
  return best.kept >= minKept || (reachesEnd && best.kept > 0) ? best : undefined;
}
