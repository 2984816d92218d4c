/** Health checks, index upkeep, online backup and size figures. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RepositoryContext } from './repository-context.js';

export interface StoreStats {
  sessions: number;
  messages: number;
  users: number;
  fileSizeBytes: number;
  walSizeBytes: number;
}

export interface MaintenanceRepository {
  /** `PRAGMA integrity_check`; `ok` when SQLite answers exactly "ok". */
  integrityCheck(): Promise<{ ok: boolean; messages: string[] }>;
  /** `PRAGMA foreign_key_check`: rows whose parent is missing. */
  foreignKeyCheck(): Promise<{ ok: boolean; rows: { table: string; rowid: number | null; parent: string; fkid: number }[] }>;
  /** Rewrites the file to reclaim free pages. Takes an exclusive lock for its duration. */
  vacuum(): Promise<void>;
  /** Refreshes the query planner's statistics. */
  analyze(): Promise<void>;
  /** Rebuilds `messages_fts` from `chat_messages` (after a manual edit or a suspected index mismatch). */
  rebuildSearchIndex(): Promise<void>;
  /** Merges the FTS5 index segments into one, which speeds up queries after many writes. */
  optimizeSearchIndex(): Promise<void>;
  /** Copies the live database to `toPath` with SQLite's online backup (writers keep working). */
  backup(toPath: string): Promise<void>;
  stats(): Promise<StoreStats>;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function createMaintenanceRepository(ctx: RepositoryContext, path: string): MaintenanceRepository {
  const { sql } = ctx;
  return {
    async integrityCheck() {
      const messages = sql.raw.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
      const texts = messages.map((r) => r.integrity_check);
      return { ok: texts.length === 1 && texts[0] === 'ok', messages: texts };
    },
    async foreignKeyCheck() {
      const rows = sql.raw.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string; fkid: number }[];
      return { ok: rows.length === 0, rows };
    },
    async vacuum() {
      sql.raw.exec('VACUUM');
    },
    async analyze() {
      sql.raw.exec('ANALYZE');
    },
    async rebuildSearchIndex() {
      sql.run("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')");
    },
    async optimizeSearchIndex() {
      sql.run("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
    },
    async backup(toPath) {
      const target = resolve(toPath);
      mkdirSync(dirname(target), { recursive: true });
      await sql.raw.backup(target);
    },
    async stats() {
      const counts = sql.get<{ sessions: number; messages: number; users: number }>(
        `SELECT (SELECT count(*) FROM chat_sessions) AS sessions,
                (SELECT count(*) FROM chat_messages) AS messages,
                (SELECT count(*) FROM users) AS users`,
      ) ?? { sessions: 0, messages: 0, users: 0 };
      const onDisk = path !== ':memory:';
      return {
        ...counts,
        fileSizeBytes: onDisk ? fileSize(path) : 0,
        walSizeBytes: onDisk ? fileSize(`${path}-wal`) : 0,
      };
    },
  };
}
