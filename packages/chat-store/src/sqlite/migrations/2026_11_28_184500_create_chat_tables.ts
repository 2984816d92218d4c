/** Frozen migration: chat_sessions and chat_messages. Never edit; add a new migration instead. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0).check(sql`pinned in (0, 1)`))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0).check(sql`archived in (0, 1)`))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();

  // Listing is always "this user's (un)archived sessions, newest activity first"; id breaks ties for the cursor.
  await db.schema
    .createIndex('chat_sessions_user_list_idx')
    .on('chat_sessions')
    .columns(['user_id', 'archived', 'updated_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('chat_messages')
    // AUTOINCREMENT so a deleted message's seq is never reused: cursors and FTS rowids stay unambiguous.
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('session_id', 'text', (c) => c.notNull().references('chat_sessions.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('system', 'user', 'assistant')`))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    // The troubleshooting guide queries `ORDER BY timestamp`; a virtual column costs no storage.
    .addColumn('timestamp', 'integer', (c) => c.generatedAlwaysAs(sql`created_at`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('complete').check(sql`status in ('complete', 'partial', 'error')`),
    )
    .addColumn('model_id', 'text')
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('time_to_first_token_ms', 'real')
    .addColumn('tokens_per_second', 'real')
    .addColumn('finish_reason', 'text')
    .execute();

  await db.schema
    .createIndex('chat_messages_session_seq_idx')
    .on('chat_messages')
    .columns(['session_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chat_messages').ifExists().execute();
  await db.schema.dropTable('chat_sessions').ifExists().execute();
}
