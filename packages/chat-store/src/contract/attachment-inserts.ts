/** The statements that store one attachment, shared by both back ends: only the placeholder and flag types differ. */
import type { AttachmentChunkInput, NewAttachment } from './attachments.js';

/** One statement to run with its values, in column order. */
export interface InsertStatement {
  sql: string;
  values: unknown[];
}

/** How a back end writes a parameter (`?` or `$n`) and a boolean (1/0 on SQLite). */
export interface SqlDialect {
  param: (n: number) => string;
  flag: (value: boolean) => unknown;
}

function statement(dialect: SqlDialect, head: string, values: unknown[]): InsertStatement {
  const params = values.map((_, i) => dialect.param(i + 1)).join(', ');
  return { sql: head.replace('%VALUES%', `VALUES (${params})`), values };
}

/**
 * The inserts for one attachment, run in order on the caller's transaction: its bytes unless the user already has
 * them (sha256), its row (bound to `bound.messageId` at once for an import), and its chunks.
 *
 * @example
 * for (const s of attachmentInserts({ id, userId, input, bound: null, now }, { param: () => '?', flag: Number }))
 *   sql.run(s.sql, s.values);
 */
export function attachmentInserts(
  row: {
    id: string;
    userId: string;
    input: NewAttachment;
    bound: { messageId: string; position: number } | null;
    now: number;
    /**
     * Set (SQLite's batched upload): the row gets this `index_version` (a file still being chunked) and no chunk
     * inserts are returned; the caller writes them.
     */
    chunkingVersion?: number;
  },
  dialect: SqlDialect,
): InsertStatement[] {
  const { id, userId, input, bound, now, chunkingVersion } = row;
  const chunking = chunkingVersion !== undefined;
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  return [
    statement(
      dialect,
      `INSERT INTO attachment_blobs (user_id, sha256, size, data, created_at) %VALUES%
       ON CONFLICT (user_id, sha256) DO NOTHING`,
      [userId, input.sha256, input.bytes.byteLength, bytes, now],
    ),
    statement(
      dialect,
      `INSERT INTO attachments
         (id, user_id, name, mime, size, sha256, text, tokens, state, chunked, message_id, position, created_at,
          session_id${chunking ? ', index_version' : ''})
       %VALUES%`,
      [
        id,
        userId,
        input.name,
        input.mime,
        input.bytes.byteLength,
        input.sha256,
        input.text,
        input.tokens,
        // A chunked file is `indexing` until its chunks have vectors (the background chunk embedder).
        input.state ?? (input.chunked ? 'indexing' : 'ready'),
        dialect.flag(input.chunked),
        bound?.messageId ?? null,
        bound?.position ?? 0,
        now,
        // Bound at once (an import): a sent file belongs to its message, not to a chat's drafts.
        bound ? null : (input.sessionId ?? null),
        ...(chunking ? [chunkingVersion] : []),
      ],
    ),
    ...(chunking ? [] : chunkInserts(id, userId, input.chunks, dialect)),
  ];
}

/** The inserts of chunks of attachment `id`, in the order given. */
export function chunkInserts(
  id: string,
  userId: string,
  chunks: readonly AttachmentChunkInput[],
  dialect: SqlDialect,
): InsertStatement[] {
  return chunks.map((c) =>
    statement(
      dialect,
      `INSERT INTO attachment_chunks (attachment_id, user_id, ordinal, start, "end", heading, page, text) %VALUES%`,
      [id, userId, c.ordinal, c.start, c.end, c.heading, c.page, c.text],
    ),
  );
}
