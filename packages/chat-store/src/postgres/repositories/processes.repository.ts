/** The API processes serving this PostgreSQL database and the replies each is streaming; see the SQLite twin. */
import type { ProcessesRepository } from '../../contract/processes.js';
import type { ServerProcessRow } from '../../contract/tables/index.js';
import { count, type PostgresContext } from './postgres-context.js';

export function createPostgresProcessesRepository(ctx: PostgresContext): ProcessesRepository {
  const { db } = ctx;
  return {
    async register(input) {
      const now = ctx.now();
      const row: ServerProcessRow = { ...input, started_at: now, heartbeat_at: now };
      await db
        .insertInto('server_processes')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now }))
        .execute();
      return row;
    },
    async heartbeat(id) {
      const r = await db
        .updateTable('server_processes')
        .set({ heartbeat_at: ctx.now() })
        .where('id', '=', id)
        .executeTakeFirst();
      return count(r.numUpdatedRows) > 0;
    },
    async unregister(id) {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('streaming_replies').where('process_id', '=', id).execute();
        await tx.deleteFrom('server_processes').where('id', '=', id).execute();
      });
    },
    async list() {
      const rows = await db.selectFrom('server_processes').selectAll().orderBy('started_at').orderBy('id').execute();
      // bigint columns arrive as strings from pg.
      return rows.map((r) => ({ ...r, started_at: Number(r.started_at), heartbeat_at: Number(r.heartbeat_at) }));
    },
    async claimReply(messageId, processId) {
      await db
        .insertInto('streaming_replies')
        .values({ message_id: messageId, process_id: processId })
        .onConflict((oc) => oc.column('message_id').doUpdateSet({ process_id: processId }))
        .execute();
    },
    async releaseReply(messageId) {
      await db.deleteFrom('streaming_replies').where('message_id', '=', messageId).execute();
    },
    async interruptOrphans(liveIds) {
      const live = liveIds.length > 0 ? [...liveIds] : [''];
      return db.transaction().execute(async (tx) => {
        const marked = await tx
          .updateTable('chat_messages')
          .set({ status: 'interrupted', streaming: 0 })
          .where('status', '=', 'partial')
          .where(
            'id',
            'in',
            tx.selectFrom('streaming_replies').select('message_id').where('process_id', 'not in', live),
          )
          .returning('id')
          .execute();
        await tx.deleteFrom('streaming_replies').where('process_id', 'not in', live).execute();
        await tx.deleteFrom('server_processes').where('id', 'not in', live).execute();
        return marked.map((r) => r.id);
      });
    },
  };
}
