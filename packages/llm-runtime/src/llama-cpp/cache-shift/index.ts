/** Context shifts done in the KV cache: the dropped turns are erased and the kept ones moved, not evaluated again. */
export { alignShift, MIN_KEPT_TOKENS, type CacheAlignment } from './align-tokens.js';
export { shiftCacheTo, type CacheShiftDone } from './shift-cache.js';
export { keepNewestTurnsInCache, type CacheShiftStrategy } from './shift-strategy.js';
