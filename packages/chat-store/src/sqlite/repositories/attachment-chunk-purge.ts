/**
 * The chunks of deleted files, deleted a batch at a time after their file (see the migration
 * `2026_12_25_140000_deferred_chunk_purge`). Deleting a file's row is what every read sees; its chunks, their FTS5
 * entries and vectors follow here in short transactions with a turn of the event loop between them, so other
 * requests run in between, as when the chunks were written (see `attachment-chunk-writer.ts`).
 */
import { CHUNK_BATCH_ROWS } from './attachment-chunk-writer.js';
import type { RepositoryContext } from './repository-context.js';

/** Lets the event loop run other callbacks (I/O included) before the next batch. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One batch: up to {@link CHUNK_BATCH_ROWS} chunks of one queued file, and the file off the queue once none are left.
 * -1 when the queue is empty.
 */
function purgeBatch(ctx: RepositoryContext): number {
  const { sql } = ctx;
  return sql.write(() => {
    const next = sql.get<{ attachment_id: string }>('SELECT attachment_id FROM attachment_chunk_purges LIMIT 1');
    if (!next) return -1;
    const id = next.attachment_id;
    const deleted = sql.run(
      `DELETE FROM attachment_chunks WHERE id IN
         (SELECT id FROM attachment_chunks WHERE attachment_id = ? ORDER BY ordinal LIMIT ?)`,
      [id, CHUNK_BATCH_ROWS],
    ).changes;
    if (deleted < CHUNK_BATCH_ROWS) sql.run('DELETE FROM attachment_chunk_purges WHERE attachment_id = ?', [id]);
    return deleted;
  });
}

/** Deletes every queued chunk, a batch at a time; stops early once `stop()` says so. Returns how many went. */
export async function purgeDeletedChunks(ctx: RepositoryContext, stop: () => boolean = () => false): Promise<number> {
  let purged = 0;
  for (;;) {
    await yieldToEventLoop();
    if (stop()) return purged;
    const deleted = purgeBatch(ctx);
    if (deleted < 0) return purged;
    purged += deleted;
  }
}

/** Runs {@link purgeDeletedChunks} one at a time, again when more was queued meanwhile. */
export interface ChunkPurger {
  /** Purges in the background (errors go to `onError`); a call while one runs makes it run once more. */
  kick(): void;
  /** Purges until the queue is empty (joining a purge under way); how many chunks went. */
  run(): Promise<number>;
  /** Stops after the batch under way and waits for it. */
  close(): Promise<void>;
}

/** A {@link ChunkPurger} over `ctx`; `onError` hears of a purge that failed (retried at the next kick or open). */
export function createChunkPurger(ctx: RepositoryContext, onError: (error: unknown) => void = () => {}): ChunkPurger {
  let running: Promise<number> | undefined;
  let again = false;
  let closed = false;
  const run = (): Promise<number> => {
    if (running) {
      // The pass under way runs once more, so what was queued by now is gone when it settles.
      again = true;
      return running;
    }
    const current = (async () => {
      let purged = 0;
      do {
        again = false;
        purged += await purgeDeletedChunks(ctx, () => closed);
      } while (again && !closed);
      return purged;
    })();
    running = current.finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    kick() {
      if (closed) return;
      run().catch(onError);
    },
    run: () => (closed ? Promise.resolve(0) : run()),
    async close() {
      closed = true;
      await running?.catch(() => {});
    },
  };
}
