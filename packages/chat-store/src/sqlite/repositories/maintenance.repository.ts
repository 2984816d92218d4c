/** Health checks, index upkeep, online backup and size figures. */
import type { MaintenanceRepository, OrphanRemoval, StorageProbe } from '../../contract/maintenance.js';
import { accessSync, constants as fsConstants, mkdirSync, statSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { toStorageError, type StorageFailure } from '../../errors/index.js';
import { checkSearchIndex, recreateSearchIndex } from '../search-index/index.js';
import type { RepositoryContext } from './repository-context.js';

/** Below this much free space on the database's file system the next page may not fit. */
const MIN_FREE_BYTES = 1024 * 1024;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Deletes orphans until `foreign_key_check` is clean (removing an orphan chat cascades to its messages). */
function removeOrphans(ctx: RepositoryContext): OrphanRemoval {
  const { sql } = ctx;
  const byTable: Record<string, number> = {};
  let removed = 0;
  sql.write(() => {
    for (let round = 0; round < 10; round++) {
      const rows = sql.raw.pragma('foreign_key_check') as { table: string; rowid: number | null }[];
      if (rows.length === 0) break;
      // One statement per table: orphan messages may be each other's parents, and SQLite checks an immediate
      // foreign key at the end of each statement, so deleting them row by row would fail on the first parent.
      const rowids = new Map<string, number[]>();
      for (const row of rows)
        if (row.rowid !== null) rowids.set(row.table, [...(rowids.get(row.table) ?? []), row.rowid]);
      for (const [table, ids] of rowids) {
        const statement = `DELETE FROM "${table.replace(/"/g, '""')}" WHERE rowid IN (SELECT value FROM json_each(?))`;
        const changes = sql.raw.prepare(statement).run(JSON.stringify(ids)).changes;
        byTable[table] = (byTable[table] ?? 0) + changes;
        removed += changes;
      }
    }
  });
  return { removed, byTable };
}

/** Probes reads and the write lock; remembers since when the lock has been held by someone else. */
function createProbe(ctx: RepositoryContext, path: string) {
  const { sql } = ctx;
  let busySince: number | null = null;
  const fail = (state: StorageProbe['state'], failure: StorageFailure | null, reason: string): StorageProbe => ({
    state,
    failure,
    reason,
  });

  function readProbe(): StorageProbe | null {
    try {
      sql.get('SELECT count(*) AS n FROM sqlite_schema');
      // The last page of each big table: a damaged file usually fails here, and it costs two b-tree descents.
      sql.get('SELECT max(seq) AS n FROM chat_messages');
      sql.get('SELECT id FROM chat_sessions ORDER BY rowid DESC LIMIT 1');
    } catch (error) {
      const storage = toStorageError(error);
      return fail('down', storage?.failure ?? null, `reads fail: ${(storage ?? (error as Error)).message}`);
    }
    return null;
  }

  function lockProbe(): StorageProbe | null {
    const raw = sql.raw;
    if (raw.readonly) return fail('degraded', 'storage_read_only', 'The database was opened read-only: writes fail');
    const unwritable = unwritableFile();
    if (unwritable)
      return fail('degraded', 'storage_read_only', `${unwritable}: writes fail. Make it writable by the server user`);
    const timeout = raw.pragma('busy_timeout', { simple: true }) as number;
    try {
      raw.pragma('busy_timeout = 0');
      raw.exec('BEGIN IMMEDIATE');
      raw.exec('ROLLBACK');
      busySince = null;
    } catch (error) {
      const storage = toStorageError(error);
      if (storage?.failure === 'database_busy') {
        busySince ??= Date.now();
        const heldMs = Date.now() - busySince;
        const waitedOut = sql.lastFailure?.error.failure === 'database_busy';
        if (waitedOut || heldMs > timeout) {
          return fail(
            'degraded',
            'database_busy',
            `The database has been locked by another connection for over ${Math.max(heldMs, timeout)} ms (busy timeout ${timeout} ms): writes fail. Find the process holding it (an open \`sqlite3\` shell transaction, a long maintenance run) and end it`,
          );
        }
        return null;
      }
      return fail(
        'degraded',
        storage?.failure ?? null,
        `Database is not writable: ${(storage ?? (error as Error)).message}`,
      );
    } finally {
      raw.pragma(`busy_timeout = ${timeout}`);
    }
    return null;
  }

  /**
   * SQLite opens a file it may not write read-only without a word, and only the first write fails: ask the OS. With
   * access(2), never open()+close(): closing any descriptor of the database file drops every POSIX lock this process
   * holds on it (SQLite's own connections included), so another process closing its connection then believes it is
   * the last one, checkpoints and deletes the WAL under this one, and the file ends up malformed (sqlite.org/howtocorrupt.html §2.2).
   */
  function unwritableFile(): string | null {
    if (path === ':memory:') return null;
    for (const file of [path, `${path}-wal`]) {
      try {
        accessSync(file, fsConstants.W_OK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        return `${file} is not writable (${code})`;
      }
    }
    return null;
  }

  function spaceProbe(): StorageProbe | null {
    const pages = sql.raw.pragma('page_count', { simple: true }) as number;
    const maxPages = sql.raw.pragma('max_page_count', { simple: true }) as number;
    if (pages >= maxPages)
      return fail(
        'degraded',
        'storage_full',
        `The database reached its size limit (max_page_count ${maxPages}): writes fail`,
      );
    if (path === ':memory:') return null;
    try {
      const fs = statfsSync(dirname(path));
      if (fs.bavail * fs.bsize < MIN_FREE_BYTES)
        return fail(
          'degraded',
          'storage_full',
          `The disk holding ${path} is full (${fs.bavail * fs.bsize} bytes free): writes fail. Free disk space`,
        );
    } catch {
      // No statfs here: the last write's outcome still tells.
    }
    return null;
  }

  return {
    run(): StorageProbe {
      const read = readProbe();
      if (read) return read;
      const last = sql.lastFailure?.error;
      if (last?.failure === 'storage_corrupt') return fail('down', 'storage_corrupt', last.message);
      const lock = lockProbe();
      if (lock) return lock;
      const space = spaceProbe();
      if (space) return space;
      // A failure a request met and no write has cleared since (e.g. the disk filled up mid-reply).
      if (last && last.failure !== 'database_busy') return fail('degraded', last.failure, last.message);
      return { state: 'ok', failure: null, reason: null };
    },
  };
}

export function createMaintenanceRepository(ctx: RepositoryContext, path: string): MaintenanceRepository {
  const { sql } = ctx;
  const probe = createProbe(ctx, path);
  return {
    async integrityCheck() {
      const messages = sql.raw.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
      const texts = messages.map((r) => r.integrity_check);
      return { ok: texts.length === 1 && texts[0] === 'ok', messages: texts };
    },
    async foreignKeyCheck() {
      const rows = sql.raw.pragma('foreign_key_check') as {
        table: string;
        rowid: number | null;
        parent: string;
        fkid: number;
      }[];
      return { ok: rows.length === 0, rows };
    },
    async vacuum() {
      sql.raw.exec('VACUUM');
    },
    async analyze() {
      sql.raw.exec('ANALYZE');
    },
    async rebuildSearchIndex() {
      recreateSearchIndex(sql);
    },
    async checkSearchIndex(options = {}) {
      return checkSearchIndex(sql, options);
    },
    async removeOrphans() {
      return removeOrphans(ctx);
    },
    async probe() {
      return probe.run();
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
