/** Runs the frozen migrations through kysely's Migrator from a static map, so it works from dist and a packed tarball. */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type Database from 'better-sqlite3';
import { MigrationError } from '../../errors/index.js';
import * as createChatTables from './2026_11_28_184500_create_chat_tables.js';
import * as createMessagesFts from './2026_11_28_184600_create_messages_fts.js';
import * as createAuthTables from './2026_11_28_184700_create_auth_tables.js';
import * as messageTree from './2026_12_10_130000_message_tree.js';
import * as rolesServiceKeysProcesses from './2026_12_12_120000_roles_service_keys_processes.js';
import * as createChatImports from './2026_12_20_120000_create_chat_imports.js';
import * as createAttachments from './2026_12_22_100000_create_attachments.js';
import * as messageVectors from './2026_12_22_120000_message_vectors.js';
import * as attachmentDrafts from './2026_12_23_100000_attachment_drafts.js';
import * as chunkVectors from './2026_12_23_140000_chunk_vectors.js';
import * as attachmentVersionIndex from './2026_12_24_130000_attachment_version_index.js';
import * as indexFinalReplies from './2026_12_25_130000_index_final_replies.js';
import * as deferredChunkPurge from './2026_12_25_140000_deferred_chunk_purge.js';

/** Every migration by name; names sort in the order they run. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '2026_11_28_184500_create_chat_tables': createChatTables,
  '2026_11_28_184600_create_messages_fts': createMessagesFts,
  '2026_11_28_184700_create_auth_tables': createAuthTables,
  '2026_12_10_130000_message_tree': messageTree,
  '2026_12_12_120000_roles_service_keys_processes': rolesServiceKeysProcesses,
  '2026_12_20_120000_create_chat_imports': createChatImports,
  '2026_12_22_100000_create_attachments': createAttachments,
  '2026_12_22_120000_message_vectors': messageVectors,
  '2026_12_23_100000_attachment_drafts': attachmentDrafts,
  '2026_12_23_140000_chunk_vectors': chunkVectors,
  '2026_12_24_130000_attachment_version_index': attachmentVersionIndex,
  '2026_12_25_130000_index_final_replies': indexFinalReplies,
  '2026_12_25_140000_deferred_chunk_purge': deferredChunkPurge,
});

/** Names of every migration this version of the store knows. */
export const STORE_MIGRATIONS: readonly string[] = Object.keys(migrations).sort();

const staticProvider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };

/** Migrations not yet recorded as applied in the database. */
export function pendingMigrations(raw: Database.Database): string[] {
  const table = raw.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`).get();
  if (!table) return [...STORE_MIGRATIONS];
  const done = new Set(
    (raw.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map((r) => r.name),
  );
  return STORE_MIGRATIONS.filter((name) => !done.has(name));
}

/**
 * Brings the schema to the latest migration. Skips the Migrator entirely when nothing is pending, so opening an
 * up-to-date database takes no write lock.
 *
 * kysely's SQLite adapter runs migrations without a transaction and without a lock, so two processes opening a
 * fresh file would both create the same tables. We wrap the whole run in our own `BEGIN IMMEDIATE` on the same
 * connection: the second process waits (busy_timeout) for the first to commit, then finds nothing pending. It also
 * makes a failed migration roll back completely.
 */
export async function migrateToLatest(db: Kysely<any>, raw: Database.Database): Promise<string[]> {
  if (pendingMigrations(raw).length === 0) return [];
  raw.exec('BEGIN IMMEDIATE');
  try {
    if (pendingMigrations(raw).length === 0) {
      raw.exec('COMMIT');
      return [];
    }
    const migrator = new Migrator({ db, provider: staticProvider });
    // One migration widens a CHECK constraint through `writable_schema`, which defensive mode forbids.
    raw.unsafeMode(true);
    const { error, results } = await migrator.migrateToLatest().finally(() => raw.unsafeMode(false));
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new MigrationError(
        `Migration ${failed ?? '(setup)'} failed: ${String((error as Error)?.message ?? error)}`,
        {
          cause: error,
        },
      );
    }
    raw.exec('COMMIT');
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } catch (error) {
    if (raw.inTransaction) raw.exec('ROLLBACK');
    throw error;
  }
}
