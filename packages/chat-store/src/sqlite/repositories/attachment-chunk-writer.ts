/**
 * A large file's chunks written in short transactions on SQLite. better-sqlite3 is synchronous: 18,576 chunk rows and
 * their FTS5 entries in one transaction held the event loop (every request of every user) for 17–110 s on a loaded
 * machine. Written {@link CHUNK_BATCH_ROWS} at a time with a turn of the event loop between batches, other requests
 * run in between; the file is marked unfinished until its last batch, so a crash leaves it listed for re-chunking
 * and retrieval never takes a partial set of chunks for the whole file.
 */
import type { AttachmentChunkInput } from '../../contract/attachments.js';
import { chunkInserts } from '../../contract/attachment-inserts.js';
import type { RepositoryContext } from './repository-context.js';

/** Chunk rows per transaction: about 10–50 ms each on a loaded 2-core machine. */
export const CHUNK_BATCH_ROWS = 256;

/**
 * `index_version` of a file whose chunks are not all written yet (a negative version is never a vector version:
 * those count up from 0). Chosen as -2 and completed as {@link CHUNKED_VERSION}: the same one-byte integer in the
 * record, so marking the file complete overwrites its row in place instead of rewriting megabytes of text.
 */
export const CHUNKING_VERSION = -2;
/** `index_version` a file gets once its last chunk is written. */
export const CHUNKED_VERSION = 2;

const DIALECT = { param: () => '?', flag: (value: boolean) => (value ? 1 : 0) };

/** Lets the event loop run other callbacks (I/O included) before the next batch. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Writes `chunks` of attachment `id` (marked {@link CHUNKING_VERSION}) in batches, then marks it complete. False
 * when the file was deleted meanwhile (what was written went with it).
 */
export async function writeChunksInBatches(
  ctx: RepositoryContext,
  userId: string,
  id: string,
  chunks: readonly AttachmentChunkInput[],
): Promise<boolean> {
  const { sql } = ctx;
  let from = 0;
  do {
    await yieldToEventLoop();
    const batch = chunks.slice(from, from + CHUNK_BATCH_ROWS);
    from += CHUNK_BATCH_ROWS;
    const last = from >= chunks.length;
    const written = sql.write(() => {
      // The covering index answers: the row itself holds the whole text before `index_version`.
      const alive = sql.get(
        'SELECT 1 FROM attachments INDEXED BY attachments_vector_version_idx WHERE id = ? AND index_version = ?',
        [id, CHUNKING_VERSION],
      );
      if (!alive) return false;
      for (const s of chunkInserts(id, userId, batch, DIALECT)) sql.run(s.sql, s.values);
      // Complete in the same transaction as the last chunks: the chunk embedder never sees every chunk embedded
      // while the file still reads as unfinished (it would stay `indexing`).
      if (last) sql.run('UPDATE attachments SET index_version = ? WHERE id = ?', [CHUNKED_VERSION, id]);
      return true;
    });
    if (!written) return false;
  } while (from < chunks.length);
  return true;
}

/** Files left unfinished (a crash while their chunks were written), oldest first. */
export function unfinishedAttachments(
  ctx: RepositoryContext,
): { userId: string; id: string; name: string; mime: string }[] {
  const ids = ctx.sql.all<{ id: string }>(
    'SELECT id FROM attachments INDEXED BY attachments_vector_version_idx WHERE index_version = ?',
    [CHUNKING_VERSION],
  );
  return ids.flatMap(({ id }) => {
    const row = ctx.sql.get<{ user_id: string; name: string; mime: string }>(
      'SELECT user_id, name, mime FROM attachments WHERE id = ?',
      [id],
    );
    return row ? [{ userId: row.user_id, id, name: row.name, mime: row.mime }] : [];
  });
}

/**
 * Deletes the file's chunks (a batch at a time, as they were written) and marks it unfinished; false when it is
 * missing or another user's.
 */
export async function clearChunksInBatches(ctx: RepositoryContext, userId: string, id: string): Promise<boolean> {
  const { sql } = ctx;
  // New chunks need new vectors: a chunked file is `indexing` again.
  const marked = sql.run(
    `UPDATE attachments SET index_version = ?, state = CASE WHEN chunked = 1 THEN 'indexing' ELSE state END
      WHERE id = ? AND user_id = ?`,
    [CHUNKING_VERSION, id, userId],
  );
  if (marked.changes !== 1) return false;
  for (;;) {
    const deleted = sql.run(
      `DELETE FROM attachment_chunks WHERE id IN
         (SELECT id FROM attachment_chunks WHERE attachment_id = ? ORDER BY ordinal LIMIT ?)`,
      [id, CHUNK_BATCH_ROWS],
    ).changes;
    if (deleted < CHUNK_BATCH_ROWS) return true;
    await yieldToEventLoop();
  }
}
