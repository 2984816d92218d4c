/**
 * Frozen migration: a deleted file's chunks go after it, in batches, instead of with it. Through the foreign key's
 * cascade, deleting a file (a draft, or with its message or chat) of ~18,000 chunks deleted every chunk and fired the
 * FTS5 delete trigger per chunk in the one transaction, holding the event loop (every request of every user) for
 * seconds. Now the file's row goes alone (what every read sees at once), a trigger queues its id in
 * `attachment_chunk_purges`, and the store deletes the queued chunks a batch at a time afterwards (and at the next
 * open after a crash). Chunk reads all go through their file's row, so chunks left for a moment are never read.
 * Never edit; add a new migration instead.
 */
import { sql, type Kysely } from 'kysely';

/** The column's foreign key as the attachments migration wrote it. */
const CASCADE = ' REFERENCES attachments (id) ON DELETE CASCADE';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE attachment_chunk_purges (attachment_id text PRIMARY KEY) WITHOUT ROWID`.execute(db);
  await sql`
    CREATE TRIGGER attachments_chunk_purge AFTER DELETE ON attachments
    WHEN EXISTS (SELECT 1 FROM attachment_chunks WHERE attachment_id = old.id)
    BEGIN
      INSERT OR IGNORE INTO attachment_chunk_purges (attachment_id) VALUES (old.id);
    END`.execute(db);
  // Dropping a foreign key leaves every stored row valid, so SQLite's documented schema edit is enough (a rebuild
  // would copy every chunk and re-create the FTS triggers); migrate.ts lifts defensive mode for the migration run.
  await sql`PRAGMA writable_schema = ON`.execute(db);
  const { numAffectedRows } = await sql`
    UPDATE sqlite_schema SET sql = replace(sql, ${CASCADE}, '')
    WHERE type = 'table' AND name = 'attachment_chunks' AND instr(sql, ${CASCADE}) > 0`.execute(db);
  const { rows } = await sql<{ schema_version: number }>`PRAGMA schema_version`.execute(db);
  await sql.raw(`PRAGMA schema_version = ${Number(rows[0]!.schema_version) + 1}`).execute(db);
  await sql`PRAGMA writable_schema = OFF`.execute(db);
  if (Number(numAffectedRows ?? 0) !== 1) throw new Error('attachment_chunks has no foreign key this migration knows');
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS attachments_chunk_purge`.execute(db);
  await sql`DELETE FROM attachment_chunks WHERE attachment_id IN (SELECT attachment_id FROM attachment_chunk_purges)`.execute(
    db,
  );
  await sql`DROP TABLE IF EXISTS attachment_chunk_purges`.execute(db);
  await sql`PRAGMA writable_schema = ON`.execute(db);
  await sql`
    UPDATE sqlite_schema SET sql = replace(sql, 'attachment_id text NOT NULL,', ${`attachment_id text NOT NULL${CASCADE},`})
    WHERE type = 'table' AND name = 'attachment_chunks' AND instr(sql, ${CASCADE}) = 0`.execute(db);
  const { rows } = await sql<{ schema_version: number }>`PRAGMA schema_version`.execute(db);
  await sql.raw(`PRAGMA schema_version = ${Number(rows[0]!.schema_version) + 1}`).execute(db);
  await sql`PRAGMA writable_schema = OFF`.execute(db);
}
