/**
 * A file's token count without tokenizing megabytes: the model's tokenizer runs on the llama.cpp worker thread, and
 * the main thread waits for it (`countTokens` is synchronous). A 5 MiB log took the test model's tokenizer 5–7 s, the
 * main thread and the worker's generation waited all that time, and a second upload's count queued behind the
 * first's (or gave up after the bridge's 5 s and was counted again at the first turn). A file too long to fit the
 * context whole is counted on an evenly spread sample instead: its count then only sizes its chunks and shows in the
 * composer's meter, where a close estimate serves as well.
 */

/** Texts up to this many characters are always counted exactly (about 30–60 ms of the test model's tokenizer). */
export const EXACT_COUNT_MIN_CHARS = 64 * 1024;
/** Characters per token no tokenizer exceeds on real text: a longer text cannot fit its token share of the context. */
export const MAX_CHARS_PER_TOKEN = 8;
/** Slices of a sampled text, spread evenly from its start to its end. */
export const SAMPLE_SLICES = 16;
/** Characters per slice: a sample is {@link SAMPLE_SLICES} × this, tokenized in one call. */
export const SAMPLE_SLICE_CHARS = 2048;

/** How a count was made: `exact` (the whole text) or `sampled` (extrapolated from a sample). */
export type TokenCountKind = 'exact' | 'sampled';

/**
 * Tokens of `text`: exact when it could fit `shareTokens` (the part of the context files may take) or is short,
 * otherwise extrapolated from {@link SAMPLE_SLICES} slices in one `countTokens` call. Null when the model cannot count.
 *
 * @example
 * countFileTokens((t) => t.length, 'x'.repeat(10), 1000) // { tokens: 10, kind: 'exact' }
 */
export function countFileTokens(
  countTokens: (text: string) => number | null,
  text: string,
  shareTokens: number,
): { tokens: number; kind: TokenCountKind } | null {
  if (text.length <= exactCountChars(shareTokens)) {
    const tokens = countTokens(text);
    return tokens === null ? null : { tokens, kind: 'exact' };
  }
  const sample = sampleText(text);
  const tokens = countTokens(sample);
  if (tokens === null) return null;
  return { tokens: Math.round((tokens * text.length) / Math.max(1, sample.length)), kind: 'sampled' };
}

/** Longest text counted exactly for a context share of `shareTokens`. */
export function exactCountChars(shareTokens: number): number {
  return Math.max(EXACT_COUNT_MIN_CHARS, Math.ceil(shareTokens * MAX_CHARS_PER_TOKEN));
}

/** {@link SAMPLE_SLICES} slices of `text` from its start to its end, joined; never splits a surrogate pair. */
export function sampleText(text: string): string {
  const slices: string[] = [];
  const span = Math.max(0, text.length - SAMPLE_SLICE_CHARS);
  for (let i = 0; i < SAMPLE_SLICES; i++) {
    let start = Math.floor((span * i) / (SAMPLE_SLICES - 1));
    let end = Math.min(text.length, start + SAMPLE_SLICE_CHARS);
    if (isLowSurrogate(text.charCodeAt(start))) start++;
    if (isLowSurrogate(text.charCodeAt(end))) end--;
    slices.push(text.slice(start, end));
  }
  return slices.join('');
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
