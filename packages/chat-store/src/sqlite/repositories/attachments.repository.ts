/** Attachments on SQLite: bytes once per user, rows bound to messages, chunks searched with FTS5 (bm25). */
import type { AttachmentSource, AttachmentSummary } from '@chat-studio/protocol';
import type { AttachmentChunkHit, AttachmentsRepository, NewAttachment } from '../../contract/attachments.js';
import { attachmentInserts } from '../../contract/attachment-inserts.js';
import { AttachmentNotFoundError, AttachmentQuotaExceededError } from '../../errors/index.js';
import { tokenizeQuery } from '../../search/index.js';
import {
  CHUNK_BATCH_ROWS,
  CHUNKING_VERSION,
  clearChunksInBatches,
  unfinishedAttachments,
  writeChunksInBatches,
} from './attachment-chunk-writer.js';
import type { ChunkPurger } from './attachment-chunk-purge.js';
import { chunkIndexProgress } from './chunk-vectors.repository.js';
import type { RepositoryContext } from './repository-context.js';

interface AttachmentRow {
  id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  tokens: number | null;
  state: AttachmentSummary['state'];
  chunked: number;
  message_id: string | null;
  created_at: number;
}

const SUMMARY_COLUMNS = 'id, name, mime, size, sha256, tokens, state, chunked, message_id, created_at';

function toSummary(row: AttachmentRow): AttachmentSummary {
  return {
    id: row.id,
    name: row.name,
    mime: row.mime,
    size: row.size,
    sha256: row.sha256,
    tokens: row.tokens,
    state: row.state,
    chunked: row.chunked === 1,
    message_id: row.message_id,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Words of the question joined with OR: a chunk sharing any word is a candidate, bm25 orders them. */
export function anyWordMatch(query: string): string | undefined {
  const tokens = tokenizeQuery(query);
  return tokens.length === 0 ? undefined : tokens.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

const USED_BYTES = 'SELECT coalesce(sum(size), 0) AS used FROM attachment_blobs WHERE user_id = ?';

/**
 * Inserts one attachment (its bytes unless the user has them, its row, its chunks) on the caller's transaction;
 * `messageId` binds it at once (an import). Returns its id.
 */
export function insertAttachment(
  ctx: RepositoryContext,
  userId: string,
  input: NewAttachment,
  bound: { messageId: string; position: number } | null = null,
  chunkingVersion?: number,
): string {
  const id = ctx.newId();
  const dialect = { param: () => '?', flag: (value: boolean) => (value ? 1 : 0) };
  for (const s of attachmentInserts({ id, userId, input, bound, now: ctx.now(), chunkingVersion }, dialect))
    ctx.sql.run(s.sql, s.values);
  return id;
}

/**
 * Copies attachment `id` bound to message `from` onto `to` on the caller's transaction: a new row on the same bytes
 * (no more quota), with its text and chunks. False when `id` is not bound to `from` for this user.
 */
function copyAttachment(
  ctx: RepositoryContext,
  userId: string,
  id: string,
  from: string,
  to: { messageId: string; position: number },
): boolean {
  const copy = ctx.newId();
  const row = ctx.sql.run(
    `INSERT INTO attachments
       (id, user_id, name, mime, size, sha256, text, tokens, state, chunked, message_id, position, created_at, session_id,
        index_error, index_version)
     SELECT ?, user_id, name, mime, size, sha256, text, tokens, state, chunked, ?, ?, created_at, NULL, index_error,
            -- A copy of a file still being chunked is unfinished too (re-chunked after a restart, never retrieved).
            CASE WHEN index_version = ${CHUNKING_VERSION} THEN index_version ELSE 0 END
       FROM attachments WHERE id = ? AND user_id = ? AND message_id = ?`,
    [copy, to.messageId, to.position, id, userId, from],
  );
  if (row.changes !== 1) return false;
  ctx.sql.run(
    // The vectors come along: the copy keeps the original's state, and a `ready` file is never embedded again.
    `INSERT INTO attachment_chunks (attachment_id, user_id, ordinal, start, "end", heading, page, text, embedding, embedded)
     SELECT ?, user_id, ordinal, start, "end", heading, page, text, embedding, embedded FROM attachment_chunks
      WHERE attachment_id = ? ORDER BY ordinal`,
    [copy, id],
  );
  return true;
}

/** Which of `ids` are the user's files with all their chunks written (a file still being chunked is left out). */
function completeIds(ctx: RepositoryContext, userId: string, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  return ctx.sql
    .all<{ id: string }>(
      // The covering index: the row itself holds the file's whole text before `index_version`.
      `SELECT id FROM attachments INDEXED BY attachments_vector_version_idx
        WHERE user_id = ? AND index_version <> ? AND id IN (${placeholders(ids.length)})`,
      [userId, CHUNKING_VERSION, ...ids],
    )
    .map((r) => r.id);
}

/** Stores a new file: its row in one short transaction, and a large file's chunks in batches after it. */
async function createAttachment(
  ctx: RepositoryContext,
  userId: string,
  input: NewAttachment,
  quotaBytes: number,
): Promise<string> {
  const { sql } = ctx;
  const batched = input.chunks.length > CHUNK_BATCH_ROWS;
  const id = sql.write(() => {
    const known = sql.get('SELECT 1 FROM attachment_blobs WHERE user_id = ? AND sha256 = ?', [userId, input.sha256]);
    if (!known) {
      const used = sql.get<{ used: number }>(USED_BYTES, [userId])?.used ?? 0;
      if (used + input.bytes.byteLength > quotaBytes)
        throw new AttachmentQuotaExceededError(quotaBytes, used, input.bytes.byteLength);
    }
    return insertAttachment(ctx, userId, input, null, batched ? CHUNKING_VERSION : undefined);
  });
  if (batched && !(await writeChunksInBatches(ctx, userId, id, input.chunks)))
    throw new AttachmentNotFoundError('The file was deleted while it was being stored');
  return id;
}

/**
 * The attachments repository; `purger` deletes deleted files' chunks (see `purgeDeleted`), absent on a read-only
 * store.
 */
export function createAttachmentsRepository(ctx: RepositoryContext, purger?: ChunkPurger): AttachmentsRepository {
  const { sql } = ctx;
  const summary = (userId: string, id: string) => {
    const row = sql.get<AttachmentRow>(`SELECT ${SUMMARY_COLUMNS} FROM attachments WHERE id = ? AND user_id = ?`, [
      id,
      userId,
    ]);
    return row ? toSummary(row) : undefined;
  };
  const hits = (rows: (Omit<AttachmentChunkHit, 'rank'> & { rank: number | null })[]): AttachmentChunkHit[] =>
    rows.map((r) => ({ ...r, rank: r.rank ?? 0 }));
  return {
    async create(userId, input, { quotaBytes }) {
      const id = await createAttachment(ctx, userId, input, quotaBytes);
      const created = summary(userId, id);
      if (!created) throw new AttachmentNotFoundError();
      return created;
    },
    async knownBlobs(userId, sha256s) {
      if (sha256s.length === 0) return new Set();
      const rows = sql.all<{ sha256: string }>(
        `SELECT sha256 FROM attachment_blobs WHERE user_id = ? AND sha256 IN (${placeholders(sha256s.length)})`,
        [userId, ...sha256s],
      );
      return new Set(rows.map((r) => r.sha256));
    },
    async get(userId, id) {
      const found = summary(userId, id);
      // A chunked file's vector progress (what `GET /api/attachments/:id` shows while it is indexed).
      const index = found?.chunked ? chunkIndexProgress(ctx, userId, id) : undefined;
      return found && index ? { ...found, index } : found;
    },
    async content(userId, id) {
      const found = summary(userId, id);
      if (!found) return undefined;
      const blob = sql.get<{ data: Buffer }>('SELECT data FROM attachment_blobs WHERE user_id = ? AND sha256 = ?', [
        userId,
        found.sha256,
      ]);
      return blob ? { summary: found, bytes: new Uint8Array(blob.data) } : undefined;
    },
    async text(userId, id) {
      const row = sql.get<{ text: string }>('SELECT text FROM attachments WHERE id = ? AND user_id = ?', [id, userId]);
      if (!row) return undefined;
      const chunks = sql.all<{
        ordinal: number;
        start: number;
        end: number;
        heading: string | null;
        page: number | null;
      }>(
        'SELECT ordinal, start, "end", heading, page FROM attachment_chunks WHERE attachment_id = ? ORDER BY ordinal',
        [id],
      );
      return { text: row.text, chunks };
    },
    async deleteUnsent(userId, id) {
      return sql.write(() => {
        const row = sql.get<{ message_id: string | null }>(
          'SELECT message_id FROM attachments WHERE id = ? AND user_id = ?',
          [id, userId],
        );
        if (!row) return 'missing' as const;
        if (row.message_id !== null) return 'sent' as const;
        sql.run('DELETE FROM attachments WHERE id = ?', [id]);
        return 'deleted' as const;
      });
    },
    async usedBytes(userId) {
      return sql.get<{ used: number }>(USED_BYTES, [userId])?.used ?? 0;
    },
    async bind(userId, messageId, ids, options = {}) {
      sql.write(() => {
        const owner = sql.get(
          'SELECT 1 FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id WHERE m.id = ? AND s.user_id = ?',
          [messageId, userId],
        );
        if (!owner) throw new AttachmentNotFoundError('The message to attach the files to was not found');
        for (const [position, id] of ids.entries()) {
          const bound = sql.run(
            'UPDATE attachments SET message_id = ?, position = ? WHERE id = ? AND user_id = ? AND message_id IS NULL',
            [messageId, position, id, userId],
          );
          if (bound.changes === 1) continue;
          if (!options.copyFrom || !copyAttachment(ctx, userId, id, options.copyFrom, { messageId, position }))
            throw new AttachmentNotFoundError();
        }
      });
      return (await this.forMessages(userId, [messageId])).get(messageId) ?? [];
    },
    async listUnsent(userId, options = {}) {
      const bySession = options.sessionId === undefined ? '' : ' AND session_id = ?';
      const rows = sql.all<AttachmentRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM attachments WHERE user_id = ? AND message_id IS NULL${bySession}
          ORDER BY created_at DESC, id DESC`,
        options.sessionId === undefined ? [userId] : [userId, options.sessionId],
      );
      return rows.map(toSummary);
    },
    async unbind(userId, messageId) {
      sql.run('UPDATE attachments SET message_id = NULL, created_at = ? WHERE message_id = ? AND user_id = ?', [
        ctx.now(),
        messageId,
        userId,
      ]);
    },
    async forMessages(userId, messageIds) {
      const out = new Map<string, AttachmentSummary[]>();
      if (messageIds.length === 0) return out;
      const rows = sql.all<AttachmentRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM attachments
          WHERE user_id = ? AND message_id IN (${placeholders(messageIds.length)}) ORDER BY message_id, position`,
        [userId, ...messageIds],
      );
      for (const row of rows) {
        const list = out.get(row.message_id ?? '') ?? [];
        list.push(toSummary(row));
        out.set(row.message_id ?? '', list);
      }
      return out;
    },
    async setTokens(userId, id, tokens) {
      sql.run('UPDATE attachments SET tokens = ? WHERE id = ? AND user_id = ?', [tokens, id, userId]);
    },
    async searchChunks(userId, options) {
      const match = anyWordMatch(options.query);
      const attachmentIds = match ? completeIds(ctx, userId, options.attachmentIds) : [];
      if (!match || attachmentIds.length === 0) return [];
      const { limit } = options;
      return hits(
        sql.all(
          `SELECT c.attachment_id, a.name, c.ordinal, c.start, c."end" AS "end", c.heading, c.page, c.text,
                  bm25(attachment_chunks_fts) AS rank
             FROM attachment_chunks_fts f
             JOIN attachment_chunks c ON c.id = f.rowid
             JOIN attachments a ON a.id = c.attachment_id
            WHERE attachment_chunks_fts MATCH ? AND c.user_id = ?
              AND c.attachment_id IN (${placeholders(attachmentIds.length)})
            ORDER BY rank LIMIT ?`,
          [match, userId, ...attachmentIds, limit],
        ),
      );
    },
    async firstChunks(userId, attachmentId, limit) {
      if (completeIds(ctx, userId, [attachmentId]).length === 0) return [];
      return hits(
        sql.all(
          `SELECT c.attachment_id, a.name, c.ordinal, c.start, c."end" AS "end", c.heading, c.page, c.text, NULL AS rank
             FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id
            WHERE c.attachment_id = ? AND c.user_id = ? ORDER BY c.ordinal LIMIT ?`,
          [attachmentId, userId, limit],
        ),
      );
    },
    async unfinishedChunks() {
      return unfinishedAttachments(ctx);
    },
    async replaceChunks(userId, id, chunks) {
      if (!(await clearChunksInBatches(ctx, userId, id))) return false;
      return writeChunksInBatches(ctx, userId, id, chunks);
    },
    async purgeDeleted() {
      return purger ? purger.run() : 0;
    },
    async setSources(userId, messageId, sources) {
      sql.run(
        `INSERT INTO message_sources (message_id, user_id, sources) VALUES (?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET sources = excluded.sources`,
        [messageId, userId, JSON.stringify(sources)],
      );
    },
    async sourcesFor(userId, messageIds) {
      const out = new Map<string, AttachmentSource[]>();
      if (messageIds.length === 0) return out;
      const rows = sql.all<{ message_id: string; sources: string }>(
        `SELECT message_id, sources FROM message_sources
          WHERE user_id = ? AND message_id IN (${placeholders(messageIds.length)})`,
        [userId, ...messageIds],
      );
      for (const row of rows) out.set(row.message_id, JSON.parse(row.sources) as AttachmentSource[]);
      return out;
    },
  };
}
