import type { StorageFailure } from '../errors/index.js';

/** What a cheap probe found: can requests read, and can they write? */
export interface StorageProbe {
  /** `ok`: reads and writes work; `degraded`: reads work, writes would fail; `down`: reads fail. */
  state: 'ok' | 'degraded' | 'down';
  /** Which failure, when not `ok`. */
  failure: StorageFailure | null;
  /** A sentence with what to do, when not `ok`. */
  reason: string | null;
}

/** Orphan rows removed by {@link MaintenanceRepository.removeOrphans}, per table. */
export interface OrphanRemoval {
  removed: number;
  byTable: Record<string, number>;
}

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
  foreignKeyCheck(): Promise<{
    ok: boolean;
    rows: { table: string; rowid: number | null; parent: string; fkid: number }[];
  }>;
  /** Rewrites the file to reclaim free pages. Takes an exclusive lock for its duration. */
  vacuum(): Promise<void>;
  /** Refreshes the query planner's statistics. */
  analyze(): Promise<void>;
  /**
   * Recreates `messages_fts` and its triggers exactly as the migrations made them, from whatever state a manual edit
   * left (a foreign table, a missing trigger, stale rows), and indexes every message. A no-op on PostgreSQL's GIN
   * index beyond `REINDEX`.
   */
  rebuildSearchIndex(): Promise<void>;
  /**
   * Whether the search index is Chat Studio's own and in step: its definition, its triggers and a sample of the
   * newest rowids against the messages; `full` also runs FTS5's integrity-check over every row.
   */
  checkSearchIndex(options?: { sample?: number; full?: boolean }): Promise<SearchIndexStatus>;
  /** Deletes rows whose parent is gone (what `foreignKeyCheck` lists, e.g. after a delete with foreign keys off). */
  removeOrphans(): Promise<OrphanRemoval>;
  /** A cheap check that reads and writes work now (no data changes); health calls it every few seconds. */
  probe(): Promise<StorageProbe>;
  /** Merges the FTS5 index segments into one, which speeds up queries after many writes. */
  optimizeSearchIndex(): Promise<void>;
  /** Copies the live database to `toPath` with SQLite's online backup (writers keep working). */
  backup(toPath: string): Promise<void>;
  stats(): Promise<StoreStats>;
}

/** What the search index check found (`checkSearchIndex`). */
export interface SearchIndexStatus {
  /** `true` when the definition, the triggers and the sampled rows all match. */
  ok: boolean;
  /** One sentence per problem, empty when `ok`. */
  problems: string[];
}
