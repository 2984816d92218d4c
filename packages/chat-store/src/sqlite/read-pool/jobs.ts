/** What the read pool can run: long reads, as plain data so they can cross to a worker thread. */
import type { Page, SearchHit } from '@chat-studio/protocol';
import type { SqlRunner } from '../connection/index.js';
import { searchSync } from '../repositories/search.repository.js';
import type { SearchOptions } from '../../contract/search.js';
import { runPageJob, type PageJob } from './page-reads.js';

/** A bound parameter list of a read statement. */
export type ReadParams = readonly unknown[] | Record<string, unknown>;

/** A job of the read pool. */
export type ReadJob =
  /** `store.search` over a window of `window` newest matches. */
  | { kind: 'search'; window: number; userId: string; query: string; options: SearchOptions }
  /** The same search's page as JSON text (`store.searchJson`): serialized here, so the event loop need not. */
  | { kind: 'searchJson'; window: number; userId: string; query: string; options: SearchOptions }
  /** Every row of one read-only statement (a large page, an export). */
  | { kind: 'all'; sql: string; params: ReadParams }
  /** A large page of a chat's messages or of an export, read by the store's repositories (see `page-reads.ts`). */
  | PageJob;

/** What each kind of job answers. */
export interface ReadJobResult {
  search: Page<SearchHit>;
  searchJson: string;
  all: unknown[];
  /** The page (a promise until the worker's read transaction ends). */
  page: unknown;
}

/** Runs a job synchronously on `sql`: in a worker's read-only connection, or on the store's own when there is no pool. */
export function runReadJob(sql: SqlRunner, job: ReadJob): ReadJobResult[ReadJob['kind']] {
  switch (job.kind) {
    case 'search':
      return searchSync(sql, job.window, job.userId, job.query, job.options);
    case 'searchJson':
      return JSON.stringify(searchSync(sql, job.window, job.userId, job.query, job.options));
    case 'all': {
      const statement = sql.statement(job.sql);
      // A pool connection is read-only anyway; refusing here keeps the contract the same without a pool.
      if (!statement.readonly) throw new TypeError('The read pool runs read-only statements only');
      return statement.all(job.params) as unknown[];
    }
    case 'page':
      return runPageJob(sql, job);
  }
}
