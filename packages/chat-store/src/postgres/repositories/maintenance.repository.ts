/** Health checks, index upkeep, pg_dump backups and size figures on PostgreSQL. */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { sql } from 'kysely';
import { ChatStoreError } from '../../errors/index.js';
import type { MaintenanceRepository } from '../../contract/maintenance.js';
import type { PostgresContext } from './postgres-context.js';

const TABLES = ['chat_sessions', 'chat_messages', 'users', 'auth_sessions', 'api_keys'] as const;
const SEARCH_INDEX = 'chat_messages_content_tsv_idx';
const tableList = sql.join(TABLES.map((t) => sql.table(t)));

/** pg_dump on PATH, else the newest one Debian's postgresql packages installed. */
function findPgDump(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'pg_dump'))) return join(dir, 'pg_dump');
  }
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions)
      if (existsSync(`/usr/lib/postgresql/${v}/bin/pg_dump`)) return `/usr/lib/postgresql/${v}/bin/pg_dump`;
  } catch {
    // No Debian layout here.
  }
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a check says when amcheck is not installed or not granted: the one line a superuser runs for it. */
export function amcheckMissing(role: string, what = 'not installed'): string {
  return `amcheck ${what}, index check skipped (a superuser runs once: CREATE EXTENSION IF NOT EXISTS amcheck; GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO ${role};)`;
}

export function createPostgresMaintenanceRepository(ctx: PostgresContext, url: string): MaintenanceRepository {
  const { db } = ctx;
  return {
    async integrityCheck() {
      // amcheck ships with PostgreSQL but installing it is a superuser's decision: a check never runs DDL, so
      // without the extension there is nothing to run.
      const { rows: found } = await sql<{ installed: boolean; role: string }>`
        SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck') AS installed, current_user AS role`.execute(
        db,
      );
      const role = found[0]?.role ?? 'your_role';
      if (!found[0]?.installed) return { ok: true, messages: [amcheckMissing(role)] };
      const { rows } = await sql<{ name: string; oid: number }>`
        SELECT c.relname AS name, c.oid::int AS oid
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_am am ON am.oid = c.relam
        WHERE am.amname = 'btree' AND i.indrelid IN (${sql.join(TABLES.map((t) => sql`to_regclass(${t})`))})
        ORDER BY c.relname`.execute(db);
      const problems: string[] = [];
      for (const index of rows) {
        try {
          // heapallindexed: also verifies that every table row is in the index, not only the index's own structure.
          await sql`SELECT bt_index_check(${index.oid}::oid, true)`.execute(db);
        } catch (error) {
          // insufficient_privilege: installed, but this role was not granted the function.
          if ((error as { code?: string }).code === '42501')
            return { ok: true, messages: [amcheckMissing(role, 'not granted to this role')] };
          problems.push(`${index.name}: ${errorText(error)}`);
        }
      }
      return problems.length === 0 ? { ok: true, messages: ['ok'] } : { ok: false, messages: problems };
    },

    async foreignKeyCheck() {
      // Foreign keys are always enforced here; orphans only appear if someone disabled triggers to load data.
      const { rows } = await sql<{ table: string; rowid: number | null; parent: string; fkid: number }>`
        SELECT 'chat_messages' AS "table", m.seq AS rowid, 'chat_sessions' AS parent, 0 AS fkid
          FROM chat_messages m WHERE NOT EXISTS (SELECT 1 FROM chat_sessions s WHERE s.id = m.session_id)
        UNION ALL
        SELECT 'auth_sessions', NULL, 'users', 0 FROM auth_sessions a WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id)
        UNION ALL
        SELECT 'api_keys', NULL, 'users', 0 FROM api_keys k WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = k.user_id)`.execute(
        db,
      );
      return { ok: rows.length === 0, rows };
    },

    async vacuum() {
      await sql`VACUUM (ANALYZE) ${tableList}`.execute(db);
    },

    async analyze() {
      await sql`ANALYZE ${tableList}`.execute(db);
    },

    async checkSearchIndex() {
      // The GIN index is a plain index PostgreSQL keeps in step itself; nothing a guide's SQL can swap for another.
      return { ok: true, problems: [] };
    },
    async removeOrphans() {
      // PostgreSQL always enforces foreign keys: there are no orphans to remove.
      return { removed: 0, byTable: {} };
    },
    async probe() {
      try {
        const r = await sql<{
          recovery: boolean;
          ro: string;
        }>`SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS ro`.execute(
          ctx.healthDb ?? db,
        );
        const row = r.rows[0];
        if (row && (row.recovery || row.ro === 'on')) {
          return {
            state: 'degraded',
            failure: 'storage_read_only',
            reason:
              'The PostgreSQL server accepts only reads (a standby, or default_transaction_read_only): writes fail',
          };
        }
        return { state: 'ok', failure: null, reason: null };
      } catch (error) {
        return { state: 'down', failure: null, reason: `Database is not available: ${errorText(error)}` };
      }
    },
    async rebuildSearchIndex() {
      // CONCURRENTLY: chats keep being written by the API processes while the index is rebuilt.
      await sql`REINDEX INDEX CONCURRENTLY ${sql.table(SEARCH_INDEX)}`.execute(db);
    },

    async optimizeSearchIndex() {
      // Moves GIN's pending list (recent inserts) into the main index, which speeds up queries after many writes.
      await sql`SELECT gin_clean_pending_list(${SEARCH_INDEX}::regclass)`.execute(db);
    },

    async backup(toPath) {
      const pgDump = findPgDump();
      if (!pgDump)
        throw new ChatStoreError(
          'Backup needs pg_dump, which is not installed (Debian: apt-get install postgresql-client)',
        );
      const target = resolve(toPath);
      mkdirSync(dirname(target), { recursive: true });
      const parsed = new URL(url);
      const password = decodeURIComponent(parsed.password);
      parsed.password = '';
      // The password goes through the environment, not the command line other users can read in ps.
      const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
      await new Promise<void>((done, fail) => {
        execFile(
          pgDump,
          ['--format=custom', '--no-owner', '--no-privileges', `--file=${target}`, `--dbname=${parsed.toString()}`],
          { env, maxBuffer: 16 * 1024 * 1024 },
          (error, _stdout, stderr) => {
            if (error) fail(new ChatStoreError(`pg_dump failed: ${stderr.trim() || error.message}`, { cause: error }));
            else done();
          },
        );
      });
    },

    async stats() {
      const { rows } = await sql<{ sessions: number; messages: number; users: number; size: number }>`
        SELECT (SELECT count(*) FROM chat_sessions) AS sessions,
               (SELECT count(*) FROM chat_messages) AS messages,
               (SELECT count(*) FROM users) AS users,
               pg_database_size(current_database()) AS size`.execute(db);
      const r = rows[0] ?? { sessions: 0, messages: 0, users: 0, size: 0 };
      // fileSizeBytes is the whole database here; the server's WAL is shared by every database, so it is not ours to report.
      return { sessions: r.sessions, messages: r.messages, users: r.users, fileSizeBytes: r.size, walSizeBytes: 0 };
    },
  };
}
