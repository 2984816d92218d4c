/**
 * The terms that start on one leaf page of an FTS5 segment, read from the page's own term index (its footer), as
 * fts5_index.c lays it out: a 4-byte header whose second 16-bit big-endian field is where the footer starts; the
 * footer holds one varint per term on the page, its byte offset delta-encoded against the previous one; the first
 * term on a page is stored whole (varint size, bytes), each later one as (varint bytes shared with the previous
 * term, varint size of the rest, the rest). Doclists between the terms are skipped without being read.
 */
import { ChatStoreError } from '../../errors/chat-store-error.js';

/** A page that does not follow that layout: the caller falls back to FTS5's own prefix query (never answered). */
export class LeafFormatError extends ChatStoreError {
  override readonly name = 'LeafFormatError';
}

/** An SQLite varint (big-endian groups of 7 bits, the 9th byte whole) at `at`: its value and its length. */
export function readVarint(bytes: Uint8Array, at: number): [value: number, length: number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) throw new LeafFormatError('varint runs past the end of the page');
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  const last = bytes[at + 8];
  if (last === undefined) throw new LeafFormatError('varint runs past the end of the page');
  return [value * 256 + last, 9];
}

/**
 * Walks the terms that start on the leaf page `block`, in order, handing `visit` each one as the first `length`
 * bytes of `term`: one buffer rebuilt in place from the previous term's shared bytes (copy what you keep), since
 * building every term of a page of a young segment (hundreds of words) cost more than a search's prefix expansion.
 * Stops at the end of the page or when `visit` returns false.
 */
function walkLeafTerms(block: Uint8Array, visit: (term: Uint8Array, length: number) => boolean): void {
  if (block.length < 4) throw new LeafFormatError('leaf page shorter than its header');
  const footer = (block[2]! << 8) | block[3]!;
  if (footer < 4 || footer > block.length) throw new LeafFormatError('leaf page footer offset out of range');
  let term = new Uint8Array(64);
  let termLength = -1;
  let termAt = 0;
  for (let at = footer; at < block.length; ) {
    const [delta, length] = readVarint(block, at);
    at += length;
    termAt += delta;
    if (termAt >= footer) throw new LeafFormatError('term offset past the page body');
    let p = termAt;
    let shared = 0;
    if (termLength >= 0) {
      const [keep, n] = readVarint(block, p);
      shared = keep;
      p += n;
    }
    const [size, n] = readVarint(block, p);
    p += n;
    if (p + size > footer || shared > Math.max(0, termLength)) throw new LeafFormatError('term runs past the page');
    if (shared + size > term.length) {
      const grown = new Uint8Array(Math.max(shared + size, term.length * 2));
      grown.set(term.subarray(0, shared));
      term = grown;
    }
    term.set(block.subarray(p, p + size), shared);
    termLength = shared + size;
    if (!visit(term, termLength)) return;
  }
}

/**
 * Every term that starts on the leaf page `block`, in order, as the index stores it (with its one-byte index
 * marker, `0` for the main index). A page that holds only the middle of a long doclist has none.
 */
export function leafTerms(block: Uint8Array): Uint8Array[] {
  const terms: Uint8Array[] = [];
  walkLeafTerms(block, (term, length) => {
    terms.push(term.slice(0, length));
    return true;
  });
  return terms;
}

/**
 * Where a term of `length` bytes in `term` sorts against the words starting with `prefix`: 0 when it starts with
 * the prefix, negative when it sorts before all of them, positive after.
 */
function comparePrefix(term: Uint8Array, length: number, prefix: Uint8Array): number {
  const n = Math.min(length, prefix.length);
  for (let i = 0; i < n; i++) if (term[i] !== prefix[i]) return term[i]! - prefix[i]!;
  return length < prefix.length ? -1 : 0;
}

/**
 * The terms on the leaf page `block` that start with `prefix` (the index marker byte included), as {@link leafTerms}
 * would list them, without building the others: the page's terms are sorted bytewise, so reading stops at the
 * first one after the prefix's.
 */
export function leafTermsWithPrefix(block: Uint8Array, prefix: Uint8Array): Uint8Array[] {
  const found: Uint8Array[] = [];
  walkLeafTerms(block, (term, length) => {
    const order = comparePrefix(term, length, prefix);
    if (order === 0) found.push(term.slice(0, length));
    return order <= 0;
  });
  return found;
}
