/**
 * Large pages and exports as read-pool jobs: the worker side. A worker answers them with the store's own
 * repositories over its read-only connection, so a pooled page is the same page the store's connection would give.
 */
import { Kysely, SqliteDialect } from 'kysely';
import type { SqlRunner } from '../connection/index.js';
import { ChatStoreError } from '../../errors/index.js';
import { createMessagesRepository } from '../repositories/index.js';
import type { MessagesRepository } from '../../contract/messages.js';
import type { ChatDatabase } from '../tables/index.js';
import { createSqliteTransferRepository } from '../transfer/sqlite-transfer.js';
import type { TransferRepository } from '../../contract/transfer-repository.js';

/** The reads a pool runs for pages and exports, by repository and method. */
export interface PageReads {
  'messages.list': MessagesRepository['list'];
  'messages.listAround': MessagesRepository['listAround'];
  'messages.listTree': MessagesRepository['listTree'];
  'transfer.exportChats': TransferRepository['exportChats'];
  'transfer.exportMessages': TransferRepository['exportMessages'];
}

/** Which read a page job runs. */
export type PageRead = keyof PageReads;

/** A page job: `read` with its arguments, as plain data. */
export interface PageJob<K extends PageRead = PageRead> {
  kind: 'page';
  read: K;
  args: Parameters<PageReads[K]>;
}

interface ReadRepositories {
  messages: MessagesRepository;
  transfer: TransferRepository;
}

const byConnection = new WeakMap<SqlRunner, ReadRepositories>();

function refuseWrites(): never {
  throw new ChatStoreError('A read-pool connection does not write');
}

/** The repositories over `sql`, made once per connection; they only read here (ids and clocks are refused). */
function repositoriesOf(sql: SqlRunner): ReadRepositories {
  let repos = byConnection.get(sql);
  if (!repos) {
    const db = new Kysely<ChatDatabase>({ dialect: new SqliteDialect({ database: sql.raw }) });
    const ctx = { db, sql, now: refuseWrites, newId: refuseWrites };
    repos = { messages: createMessagesRepository(ctx), transfer: createSqliteTransferRepository(ctx) };
    byConnection.set(sql, repos);
  }
  return repos;
}

function call(sql: SqlRunner, job: PageJob): Promise<unknown> {
  const { messages, transfer } = repositoriesOf(sql);
  // Narrowing `read` does not narrow `args` (a union of tuples): each case names its own.
  const args: unknown = job.args;
  switch (job.read) {
    case 'messages.list':
      return messages.list(...(args as Parameters<MessagesRepository['list']>));
    case 'messages.listAround':
      return messages.listAround(...(args as Parameters<MessagesRepository['listAround']>));
    case 'messages.listTree':
      return messages.listTree(...(args as Parameters<MessagesRepository['listTree']>));
    case 'transfer.exportChats':
      return transfer.exportChats(...(args as Parameters<TransferRepository['exportChats']>));
    case 'transfer.exportMessages':
      return transfer.exportMessages(...(args as Parameters<TransferRepository['exportMessages']>));
  }
}

/**
 * Runs a page job on `sql` in one read transaction, so its statements (the session, then its messages) see one
 * snapshot even while the store's connection commits beside it. The repositories' reads are synchronous under
 * their promises: nothing else runs on the connection before the transaction ends.
 */
export async function runPageJob(sql: SqlRunner, job: PageJob): Promise<unknown> {
  const own = !sql.raw.inTransaction;
  if (own) sql.raw.exec('BEGIN');
  try {
    return await call(sql, job);
  } finally {
    if (own && sql.raw.inTransaction) sql.raw.exec('COMMIT');
  }
}
