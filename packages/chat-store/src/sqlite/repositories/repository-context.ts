/** What every repository gets: the typed query builder, the synchronous runner, a clock and an id source. */
import type { Kysely } from 'kysely';
export { pageLimit } from '../../contract/paging.js';
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

/** Maps SQLite's unique-constraint failure to `DuplicateError`-worthy detection. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
