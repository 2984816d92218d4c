/** Opaque paging cursors: base64url JSON arrays, validated on the way back in. */
import { InvalidCursorError } from '../errors/index.js';

type CursorValue = string | number;

/** Encodes a cursor position as an opaque base64url string. */
export function encodeCursor(kind: string, values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify([kind, ...values]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` with the same kind and value types.
 * Throws `InvalidCursorError` for anything else (tampered, from another listing, garbage).
 */
export function decodeCursor<const T extends readonly ('string' | 'number')[]>(
  cursor: string,
  kind: string,
  types: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new InvalidCursorError('Invalid cursor', { cause });
  }
  if (!Array.isArray(parsed) || parsed.length !== types.length + 1 || parsed[0] !== kind) {
    throw new InvalidCursorError();
  }
  const values = parsed.slice(1);
  types.forEach((type, i) => {
    const v = values[i];
    const ok =
      type === 'number' ? Number.isSafeInteger(v) && (v as number) >= 0 : typeof v === 'string' && v.length <= 100;
    if (!ok) throw new InvalidCursorError();
  });
  return values as never;
}
