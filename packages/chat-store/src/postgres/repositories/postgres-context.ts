/** What every PostgreSQL repository gets: the query builder, a clock and an id source. */
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { PostgresChatDatabase } from '../postgres-database.js';

export interface PostgresContext {
  db: Kysely<PostgresChatDatabase>;
  /** Epoch milliseconds. */
  now(): number;
  /** A new ULID. */
  newId(): string;
  /**
   * The pool under `db`, for the few hot statements worth preparing once per connection (named `pg` queries); kysely
   * sends every statement unnamed, to be parsed and planned again each time.
   */
  pool: pg.Pool;
  /** One connection of its own for health checks (`ping`, `maintenance.probe`), never queued behind the pool's work. */
  healthDb?: Kysely<PostgresChatDatabase>;
  /**
   * The connections searches run on (as many as run at once), kept open and warmed when the store opens; `db` when
   * absent.
   */
  searchDb?: Kysely<PostgresChatDatabase>;
}

/** PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

/** Affected-row counts arrive as bigint from kysely. */
export function count(n: bigint | number | undefined): number {
  return Number(n ?? 0);
}
