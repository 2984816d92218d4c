/**
 * The API processes serving this database and the replies each is streaming. A process registers at start and
 * beats every few seconds; a reply it streams is claimed until it is stored for good. A claim whose process is gone
 * (a crash, a SIGKILL) is how a later start finds the replies nobody is writing any more.
 */
import type { ProcessesRepository } from '../../contract/processes.js';
import type { ServerProcessRow } from '../../contract/tables/index.js';
import type { RepositoryContext } from './repository-context.js';

export function createProcessesRepository(ctx: RepositoryContext): ProcessesRepository {
  const { db, sql } = ctx;
  return {
    async register(input) {
      const now = ctx.now();
      const row: ServerProcessRow = { ...input, started_at: now, heartbeat_at: now };
      sql.run(
        db
          .insertInto('server_processes')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now })),
      );
      return row;
    },
    async heartbeat(id) {
      return (
        sql.run(db.updateTable('server_processes').set({ heartbeat_at: ctx.now() }).where('id', '=', id)).changes > 0
      );
    },
    async unregister(id) {
      sql.write(() => {
        sql.run(db.deleteFrom('streaming_replies').where('process_id', '=', id));
        sql.run(db.deleteFrom('server_processes').where('id', '=', id));
      });
    },
    async list() {
      return sql.all(db.selectFrom('server_processes').selectAll().orderBy('started_at').orderBy('id'));
    },
    async claimReply(messageId, processId) {
      sql.run(
        db
          .insertInto('streaming_replies')
          .values({ message_id: messageId, process_id: processId })
          .onConflict((oc) => oc.column('message_id').doUpdateSet({ process_id: processId })),
      );
    },
    async releaseReply(messageId) {
      sql.run(db.deleteFrom('streaming_replies').where('message_id', '=', messageId));
    },
    async interruptOrphans(liveIds) {
      // An empty NOT IN list is not valid SQL; no live id matches this one.
      const live = liveIds.length > 0 ? [...liveIds] : [''];
      return sql.write(() => {
        const orphans = sql
          .all<{ message_id: string }>(
            db.selectFrom('streaming_replies').select('message_id').where('process_id', 'not in', live),
          )
          .map((r) => r.message_id);
        const marked: string[] = [];
        for (const id of orphans) {
          const r = sql.run(
            db
              .updateTable('chat_messages')
              .set({ status: 'interrupted', streaming: 0 })
              .where('id', '=', id)
              .where('status', '=', 'partial'),
          );
          if (r.changes > 0) marked.push(id);
        }
        sql.run(db.deleteFrom('streaming_replies').where('process_id', 'not in', live));
        sql.run(db.deleteFrom('server_processes').where('id', 'not in', live));
        return marked;
      });
    },
  };
}
