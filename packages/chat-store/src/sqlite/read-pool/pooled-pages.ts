/**
 * Large pages and exports as read-pool jobs: the store side. The repositories keep their interface; the reads that
 * can take long go to a worker, the small ones stay on the store's connection (a worker round trip costs more).
 */
import type { MessagesRepository } from '../../contract/messages.js';
import type { TransferRepository } from '../../contract/transfer-repository.js';
import type { PageRead, PageReads } from './page-reads.js';
import type { ReadPool } from './read-pool.js';

/** Pages of more messages than this go to the pool; smaller ones cost less than the trip to a worker. */
export const LARGE_PAGE = 100;

/** A page size as the repositories read it: 50 when omitted. */
const sizeOf = (limit: number | undefined) => limit ?? 50;

function runner(pool: ReadPool) {
  return <K extends PageRead>(read: K, args: Parameters<PageReads[K]>) =>
    pool.run({ kind: 'page', read, args }) as ReturnType<PageReads[K]>;
}

/**
 * `messages` with its long reads on `pool`: pages walked from the root (`asc`: the walk covers the whole branch above
 * the cursor), pages around a message (the walk from the leaf down to it), and pages over {@link LARGE_PAGE} messages.
 */
export function pooledMessages(messages: MessagesRepository, pool: ReadPool): MessagesRepository {
  const run = runner(pool);
  return {
    ...messages,
    list: (userId, sessionId, options = {}) =>
      options.order !== 'desc' || sizeOf(options.limit) > LARGE_PAGE
        ? run('messages.list', [userId, sessionId, options])
        : messages.list(userId, sessionId, options),
    listAround: (userId, sessionId, messageId, options = {}) =>
      run('messages.listAround', [userId, sessionId, messageId, options]),
    listTree: (userId, sessionId, options = {}) =>
      sizeOf(options.limit) > LARGE_PAGE
        ? run('messages.listTree', [userId, sessionId, options])
        : messages.listTree(userId, sessionId, options),
  };
}

/** `transfer` with its export pages (up to 2,000 messages each) on `pool`; imports write, on the store's connection. */
export function pooledTransfer(transfer: TransferRepository, pool: ReadPool): TransferRepository {
  const run = runner(pool);
  return {
    ...transfer,
    exportChats: (userId, options = {}) => run('transfer.exportChats', [userId, options]),
    exportMessages: (userId, sessionId, options = {}) => run('transfer.exportMessages', [userId, sessionId, options]),
  };
}
