/** Runs the frozen PostgreSQL migrations from a static map, one process at a time (advisory lock). */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { MigrationError } from '../../errors/index.js';
import * as createTables from './2026_12_10_120000_create_tables.js';
import * as messageTree from './2026_12_10_130000_message_tree.js';
import * as rolesServiceKeysProcesses from './2026_12_12_120000_roles_service_keys_processes.js';
import * as createChatImports from './2026_12_20_120000_create_chat_imports.js';
import * as searchWindowFunction from './2026_12_21_120000_search_window_function.js';
import * as createAttachments from './2026_12_22_100000_create_attachments.js';
import * as messageVectors from './2026_12_22_120000_message_vectors.js';
import * as attachmentDrafts from './2026_12_23_100000_attachment_drafts.js';
import * as chunkVectors from './2026_12_23_140000_chunk_vectors.js';
import * as searchPageFunction from './2026_12_24_120000_search_page_function.js';
import * as searchPageNarrowSort from './2026_12_25_120000_search_page_narrow_sort.js';
import * as searchPageTextOnce from './2026_12_25_125000_search_page_text_once.js';
import * as indexFinalReplies from './2026_12_25_130000_index_final_replies.js';

/** Every PostgreSQL migration by name; names sort in the order they run. */
export const postgresMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  '2026_12_10_120000_create_tables': createTables,
  '2026_12_10_130000_message_tree': messageTree,
  '2026_12_12_120000_roles_service_keys_processes': rolesServiceKeysProcesses,
  '2026_12_20_120000_create_chat_imports': createChatImports,
  '2026_12_21_120000_search_window_function': searchWindowFunction,
  '2026_12_22_100000_create_attachments': createAttachments,
  '2026_12_22_120000_message_vectors': messageVectors,
  '2026_12_23_100000_attachment_drafts': attachmentDrafts,
  '2026_12_23_140000_chunk_vectors': chunkVectors,
  '2026_12_24_120000_search_page_function': searchPageFunction,
  '2026_12_25_120000_search_page_narrow_sort': searchPageNarrowSort,
  '2026_12_25_125000_search_page_text_once': searchPageTextOnce,
  '2026_12_25_130000_index_final_replies': indexFinalReplies,
});

/** Names of every PostgreSQL migration this version of the store knows. */
export const POSTGRES_MIGRATIONS: readonly string[] = Object.keys(postgresMigrations).sort();

const staticProvider: MigrationProvider = { getMigrations: async () => ({ ...postgresMigrations }) };

// Any fixed 64-bit number unique to this store; other applications on the same database use their own.
const MIGRATION_LOCK = 7_203_145_339_812_406n;

/** Migrations not yet recorded as applied in the database. */
export async function pendingPostgresMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{
    present: boolean;
  }>`SELECT to_regclass('kysely_migration') IS NOT NULL AS present`.execute(db);
  if (!rows[0]?.present) return [...POSTGRES_MIGRATIONS];
  const done = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
  const names = new Set(done.rows.map((r) => r.name));
  return POSTGRES_MIGRATIONS.filter((name) => !names.has(name));
}

/**
 * Brings the schema to the latest migration. Opening an up-to-date database takes no lock. Otherwise one
 * connection holds a session advisory lock for the whole run: a second process opening the same fresh database
 * waits for the first to commit, then finds nothing pending. Each migration runs in a transaction (PostgreSQL has
 * transactional DDL), so a failed one leaves nothing behind.
 */
export async function migratePostgres(db: Kysely<any>): Promise<string[]> {
  if ((await pendingPostgresMigrations(db)).length === 0) return [];
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    try {
      if ((await pendingPostgresMigrations(conn)).length === 0) return [];
      const migrator = new Migrator({ db: conn, provider: staticProvider });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new MigrationError(
          `Migration ${failed ?? '(setup)'} failed: ${String((error as Error)?.message ?? error)}`,
          { cause: error },
        );
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`SELECT pg_advisory_unlock(${sql.lit(MIGRATION_LOCK)})`.execute(conn);
    }
  });
}
