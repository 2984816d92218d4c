/** What every repository gets: the typed query builder, the synchronous runner, a clock and an id source. */
import type { Kysely } from 'kysely';
import type { SqlRunner } from '../connection/index.js';
import type { ChatDatabase } from '../tables/index.js';

export interface RepositoryContext {
  /** Used to build and compile queries; they run through `sql`. */
  db: Kysely<ChatDatabase>;
  sql: SqlRunner;
  /** Epoch milliseconds. */
  now(): number;
  /** A new ULID. */
  newId(): string;
}

/** Clamps a requested page size. Defaults to `fallback`. */
export function pageLimit(limit: number | undefined, fallback: number, max = 500): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

/** Maps SQLite's unique-constraint failure to `DuplicateError`-worthy detection. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
