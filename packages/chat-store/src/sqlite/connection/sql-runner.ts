/** Runs kysely-built or static SQL synchronously on cached better-sqlite3 statements. */
import type Database from 'better-sqlite3';
import type { Compilable } from 'kysely';
import { ChatStoreClosedError, toStorageError, type StorageError } from '../../errors/index.js';
import { StatementCache } from './statement-cache.js';

type Params = readonly unknown[] | Record<string, unknown>;

/**
 * Why not `query.execute()`: kysely's SQLite driver re-prepares every statement and serialises calls through an
 * async mutex. Running synchronously on a cached statement keeps the store's overhead over raw SQL small, and lets
 * several statements share one better-sqlite3 transaction without another caller's query slipping in between.
 */
export class SqlRunner {
  readonly raw: Database.Database;
  readonly #stmts: StatementCache;

  /**
   * The last storage failure (busy, full, read-only, corrupt) a statement met, kept until a later write succeeds;
   * corruption stays until the connection closes. Health reports it: what failed for a user is what health says.
   */
  lastFailure: { error: StorageError; at: number } | null = null;

  /** Called with statements slower than `slowStatementMs` (the SQL text only, never its parameters). */
  onSlowStatement?: (sql: string, ms: number) => void;
  slowStatementMs = 50;

  constructor(raw: Database.Database) {
    this.raw = raw;
    this.#stmts = new StatementCache(raw);
  }

  /** Runs one statement, reporting it when slow. */
  #timed<T>(sql: string, fn: () => T, write: boolean): T {
    if (!this.onSlowStatement) return this.guard(fn, write);
    const started = performance.now();
    try {
      return this.guard(fn, write);
    } finally {
      const ms = performance.now() - started;
      if (ms >= this.slowStatementMs) this.onSlowStatement(sql, Math.round(ms * 10) / 10);
    }
  }

  /** Runs `fn` (statements, a transaction); driver errors that mean the storage is unusable become named {@link StorageError}s. */
  guard<T>(fn: () => T, write: boolean): T {
    let result: T;
    try {
      result = fn();
    } catch (error) {
      const storage = toStorageError(error);
      if (!storage) throw error;
      this.lastFailure = { error: storage, at: Date.now() };
      throw storage;
    }
    if (write && this.lastFailure && this.lastFailure.error.failure !== 'storage_corrupt') this.lastFailure = null;
    return result;
  }

  assertOpen(): void {
    if (!this.raw.open) throw new ChatStoreClosedError();
  }

  statement(sql: string): Database.Statement {
    this.assertOpen();
    return this.#stmts.get(sql);
  }

  all<T>(query: string | Compilable<T>, params: Params = []): T[] {
    const [sql, p] = this.#resolve(query, params);
    return this.#timed(sql, () => this.statement(sql).all(p) as T[], false);
  }

  /**
   * {@link all} with each row as an array of its column values in select order: the driver builds no object per
   * row, which was about a third of a 20-row session list's statement time (issue #18). The statement is switched
   * back to objects before this returns, so `all` on the same SQL is unaffected.
   */
  allArrays(sql: string, params: Params = []): unknown[][] {
    return this.#timed(
      sql,
      () => {
        const stmt = this.statement(sql);
        stmt.raw(true);
        try {
          return stmt.all(params) as unknown[][];
        } finally {
          stmt.raw(false);
        }
      },
      false,
    );
  }

  get<T>(query: string | Compilable<T>, params: Params = []): T | undefined {
    const [sql, p] = this.#resolve(query, params);
    return this.#timed(sql, () => this.statement(sql).get(p) as T | undefined, false);
  }

  run(query: string | Compilable<unknown>, params: Params = []): Database.RunResult {
    const [sql, p] = this.#resolve(query, params);
    return this.#timed(sql, () => this.statement(sql).run(p), !this.raw.inTransaction);
  }

  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so busy_timeout applies. */
  write<T>(fn: () => T): T {
    this.assertOpen();
    return this.guard(() => this.raw.transaction(fn).immediate(), true);
  }

  clear(): void {
    this.#stmts.clear();
  }

  #resolve(query: string | Compilable<unknown>, params: Params): [string, Params] {
    if (typeof query === 'string') return [query, params];
    const compiled = query.compile();
    return [compiled.sql, compiled.parameters];
  }
}
