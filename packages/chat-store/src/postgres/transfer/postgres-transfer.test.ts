import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresUnavailable } from '@chat-studio/test-support';
import { openTempPostgresStore } from '../../../test/postgres-db.js';
import { collect, describeTransferSuite, streamOf } from '../../../test/transfer-suite.js';
import { exportChatsJson, importChats, ONE_BRANCH_PER_CHAT_SQL } from '../../index.js';
import { ANALYZE_AFTER_MESSAGES } from './postgres-transfer.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres', () => {
  describeTransferSuite('postgres', () => openTempPostgresStore());

  it('leaves statistics and a merged full-text index after a large import', async () => {
    const t = await openTempPostgresStore();
    try {
      const db = t.store.db;
      // No autovacuum: only the import itself can have analyzed the table and merged the index's pending list.
      await sql`ALTER TABLE chat_messages SET (autovacuum_enabled = false)`.execute(db);
      const s = await t.store.sessions.create('u', { title: 'Long' });
      await sql`INSERT INTO chat_messages (id, session_id, role, content, created_at)
        SELECT 'm' || i, ${s.id}, 'user', 'message number ' || i, i
        FROM generate_series(1, ${ANALYZE_AFTER_MESSAGES}) AS i`.execute(db);
      for (const statement of ONE_BRANCH_PER_CHAT_SQL) await sql.raw(statement).execute(db);
      await sql`ANALYZE chat_messages`.execute(db);
      await sql`SELECT gin_clean_pending_list('chat_messages_content_tsv_idx'::regclass)`.execute(db);
      const file = await collect(exportChatsJson(t.store, 'u'));

      const summary = await importChats(t.store, 'w', { open: () => streamOf(file) });
      expect(summary).toMatchObject({ imported: 1, messages: ANALYZE_AFTER_MESSAGES });
      const { rows } = await sql<{ reltuples: number; pending: number | string }>`
        SELECT c.reltuples, gin_clean_pending_list('chat_messages_content_tsv_idx'::regclass) AS pending
        FROM pg_class c WHERE c.oid = 'chat_messages'::regclass`.execute(db);
      // Both chats counted by ANALYZE; nothing left in the pending list to merge.
      expect({ ...rows[0], pending: Number(rows[0]?.pending) }).toEqual({
        reltuples: 2 * ANALYZE_AFTER_MESSAGES,
        pending: 0,
      });
      expect((await t.store.search('w', 'number', { limit: 5 })).items).toHaveLength(5);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
