import { existsSync, rmSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import { isPostgresUrl, openChatStore, type ChatStore, type PostgresChatStore } from '@chat-studio/chat-store';
import { postgresLabel } from '../config/index.js';
import { redactText } from '../redact/index.js';

/** The database file is missing or could not be opened as a Chat Studio store. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/** Opens a PostgreSQL store; errors name the database by its label and never carry the URL's password. */
async function openPostgres(url: string, readonly: boolean): Promise<ChatStore> {
  try {
    // Two connections are plenty for one command, and leave the server's pool its share of max_connections.
    return await openChatStore({ url, readonly, poolSize: 2 });
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot open ${postgresLabel(url)}: ${redactText(error instanceof Error ? error.message : String(error))}`,
    );
  }
}

/**
 * Opens the store without writing (no migrations, no WAL switch), safe beside a running server. `target` is the
 * SQLite file or a `postgres://` URL (every transaction read-only there).
 *
 * @example
 * const store = await openReadonlyStore('data/chat_history.db');
 * const shared = await openReadonlyStore(process.env.DATABASE_URL!);
 */
export async function openReadonlyStore(target: string): Promise<ChatStore> {
  if (isPostgresUrl(target)) return openPostgres(target, true);
  if (!existsSync(target)) throw new DatabaseOpenError(`Database file not found: ${target}`);
  try {
    return await openChatStore({ path: target, readonly: true });
  } catch (error) {
    throw new DatabaseOpenError(`Cannot open ${target}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Opens the store for writing (pending migrations run); on SQLite a long busy timeout lets VACUUM and backups wait
 * for the server's writes. `target` is the SQLite file (which must exist) or a `postgres://` URL.
 */
export async function openWritableStore(
  target: string,
  busyTimeoutMs = 30_000,
  options: { optimize?: boolean } = {},
): Promise<ChatStore> {
  if (isPostgresUrl(target)) return openPostgres(target, false);
  if (!existsSync(target)) throw new DatabaseOpenError(`Database file not found: ${target}`);
  try {
    return await openChatStore({ path: target, busyTimeoutMs, ...options });
  } catch (error) {
    throw new DatabaseOpenError(`Cannot open ${target}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One schema object: a row of `sqlite_master`, or a table/index of the current PostgreSQL schema. */
export interface SchemaEntry {
  type: string;
  name: string;
  sql: string | null;
}

/** Tables (as a CREATE TABLE built from the catalog) and indexes (`pg_indexes.indexdef`) of the current schema. */
async function readPostgresSchema(store: PostgresChatStore): Promise<SchemaEntry[]> {
  // Catalog views are not in the typed schema, so they are read with raw SQL; current_schema() is `public` unless
  // search_path says otherwise.
  const { rows: columns } = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    generation_expression: string | null;
  }>`SELECT table_name, column_name, data_type, is_nullable, generation_expression
     FROM information_schema.columns WHERE table_schema = current_schema()
     ORDER BY table_name, ordinal_position`.execute(store.db);
  const { rows: indexes } = await sql<{ name: string; sql: string }>`
    SELECT indexname AS name, indexdef AS sql FROM pg_catalog.pg_indexes
    WHERE schemaname = current_schema() ORDER BY indexname`.execute(store.db);
  const tables = new Map<string, string[]>();
  for (const c of columns) {
    const generated = c.generation_expression ? ` GENERATED ALWAYS AS (${c.generation_expression}) STORED` : '';
    const line = `${c.column_name} ${c.data_type}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}${generated}`;
    tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), line]);
  }
  const entries: SchemaEntry[] = [
    ...[...tables].map(([name, cols]) => ({ type: 'table', name, sql: `CREATE TABLE ${name} (${cols.join(', ')})` })),
    ...indexes.map((i) => ({ type: 'index', name: i.name, sql: i.sql })),
  ];
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The schema: `sqlite_master` on SQLite, the catalog's tables and indexes on PostgreSQL. The typed query builder
 * knows neither, so both are read with raw SQL.
 */
export async function readSchema(store: ChatStore): Promise<SchemaEntry[]> {
  if (store.backend === 'postgres') return readPostgresSchema(store);
  const { rows } = await sql<SchemaEntry>`SELECT type, name, sql FROM sqlite_master ORDER BY name`.execute(store.db);
  return rows;
}

/** `true` when `store` has the two tables every Chat Studio database must have. */
export async function hasChatTables(store: ChatStore): Promise<boolean> {
  const names = new Set((await readSchema(store)).filter((e) => e.type === 'table').map((e) => e.name));
  return names.has('chat_sessions') && names.has('chat_messages');
}

/**
 * Removes the empty `-wal` and the `-shm` a read-only open leaves beside a file nobody else uses (a backup), so
 * the backup is one self-contained file. Never call it on the live database: a server may hold it open.
 */
export function removeIdleSidecars(file: string): void {
  try {
    if (statSync(`${file}-wal`).size !== 0) return;
  } catch {
    // No WAL: the -shm alone is stale.
  }
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
}
