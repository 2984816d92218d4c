/** A file's extracted text cut at its chunks' boundaries, for the preview (each part labelled, one addressable). */
import type { AttachmentChunk } from './attachment-types.js';

/** A run of the text: a chunk (with its ordinal) or text between chunks (ordinal null). */
export interface TextSegment {
  ordinal: number | null;
  heading: string | null;
  page: number | null;
  text: string;
}

/**
 * The text in order, cut into the chunks (sorted by start; an overlap starts after the part before it) and the
 * text between them, so every character shows exactly once.
 *
 * @example
 * chunkSegments('# A\nx\n# B\ny', [{ ordinal: 0, start: 0, end: 6, heading: 'A', page: null }, …])
 */
export function chunkSegments(text: string, chunks: readonly AttachmentChunk[]): TextSegment[] {
  const sorted = [...chunks].sort((a, b) => a.start - b.start || a.ordinal - b.ordinal);
  const segments: TextSegment[] = [];
  let at = 0;
  for (const c of sorted) {
    const start = Math.max(at, Math.min(c.start, text.length));
    const end = Math.max(start, Math.min(c.end, text.length));
    if (start > at) segments.push({ ordinal: null, heading: null, page: null, text: text.slice(at, start) });
    segments.push({ ordinal: c.ordinal, heading: c.heading, page: c.page, text: text.slice(start, end) });
    at = end;
  }
  if (at < text.length) segments.push({ ordinal: null, heading: null, page: null, text: text.slice(at) });
  return segments;
}

/**
 * A part's label for people: "Part 3 · Installation · page 2" (parts count from 1; `ordinal` from 0).
 *
 * @example
 * partLabel({ ordinal: 2, heading: 'Installation', page: 2 }) // 'Part 3 · Installation · page 2'
 */
export function partLabel(part: { ordinal: number; heading: string | null; page: number | null }): string {
  const bits = [`Part ${part.ordinal + 1}`];
  if (part.heading) bits.push(part.heading);
  if (part.page !== null) bits.push(`page ${part.page}`);
  return bits.join(' · ');
}
