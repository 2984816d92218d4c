/** Caches prepared statements by SQL text: preparing costs more than running the hot queries themselves. */
import type Database from 'better-sqlite3';

export class StatementCache {
  readonly #raw: Database.Database;
  readonly #cache = new Map<string, Database.Statement>();
  readonly #max: number;

  constructor(raw: Database.Database, max = 200) {
    this.#raw = raw;
    this.#max = max;
  }

  /** The prepared statement for `sql`, prepared once. */
  get(sql: string): Database.Statement {
    let stmt = this.#cache.get(sql);
    if (!stmt) {
      // Dynamic SQL (variable IN lists) must not grow the cache without bound.
      if (this.#cache.size >= this.#max) this.#cache.delete(this.#cache.keys().next().value as string);
      stmt = this.#raw.prepare(sql);
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }

  clear(): void {
    this.#cache.clear();
  }
}
