import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { exportChatsJson, exportChatsMarkdown, openChatStore, type ChatStore } from '../../index.js';
import { LARGE_PAGE, pooledMessages, pooledTransfer, ReadPool } from './index.js';

const USER = 'u';
/** Messages of the generated chat: a branch long enough that walking it takes a while. */
const MESSAGES = 6000;

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('large pages and exports on the read pool', () => {
  let t: TempStore;
  /** The same file with no pool: every read on the store's connection, the reference. */
  let direct: ChatStore;
  let sessionId: string;
  let middleId: string;

  beforeAll(async () => {
    t = await openTempStore();
    const session = await t.store.sessions.create(USER, { title: 'A very long chat' });
    sessionId = session.id;
    for (let i = 0; i < MESSAGES; i++) {
      const m = await t.store.messages.append(USER, session.id, {
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}`,
      });
      if (i === MESSAGES / 2) middleId = m!.id;
    }
    // A second branch, so pages differ between the current branch and the tree.
    const other = await t.store.messages.append(USER, session.id, {
      role: 'assistant',
      content: 'another reply',
      parent_id: middleId,
    });
    await t.store.messages.switchBranch(USER, session.id, other!.id);
    await t.store.sessions.create(USER, { title: 'A short chat' });
    direct = await openChatStore({ path: t.path, readPool: 0 });
  }, 120_000);
  afterAll(async () => {
    await direct?.close();
    await t?.cleanup();
  });

  it('answers every page kind as the direct read does', async () => {
    const pooled = t.store;
    const same = async <T>(read: (s: ChatStore) => Promise<T>) =>
      expect(await read(pooled)).toEqual(await read(direct));
    // Ascending pages through the whole branch, by cursor.
    let cursor: string | undefined;
    let pages = 0;
    do {
      const [a, b] = await Promise.all([
        pooled.messages.list(USER, sessionId, { limit: 500, cursor }),
        direct.messages.list(USER, sessionId, { limit: 500, cursor }),
      ]);
      expect(a).toEqual(b);
      cursor = a!.next_cursor ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBeGreaterThan(5);
    await same((s) => s.messages.list(USER, sessionId, { order: 'desc', limit: 500 }));
    await same((s) => s.messages.list(USER, sessionId, { order: 'desc', limit: 20 }));
    await same((s) => s.messages.listAround(USER, sessionId, middleId, { limit: 300 }));
    await same((s) => s.messages.listTree(USER, sessionId, { limit: 500 }));
    await same((s) => s.messages.list(USER, 'someone-else', { limit: 500 }));
    await same((s) => s.transfer.exportChats(USER, {}));
    await same((s) => s.transfer.exportMessages(USER, sessionId, { limit: 2000 }));
    await same((s) => s.transfer.exportMessages('someone-else', sessionId, { limit: 2000 }));
    const now = new Date('2026-12-01T00:00:00Z');
    expect(await text(exportChatsJson(pooled, USER, { now }))).toBe(await text(exportChatsJson(direct, USER, { now })));
    expect(await text(exportChatsMarkdown(pooled, USER))).toBe(await text(exportChatsMarkdown(direct, USER)));
    // Errors cross from the worker as the store's own.
    await expect(pooled.messages.list(USER, sessionId, { limit: 500, cursor: 'bogus!' })).rejects.toMatchObject({
      name: 'InvalidCursorError',
    });
  });

  it('sends long reads to the pool and keeps small pages on the connection', async () => {
    const pool = new ReadPool({ path: t.path, size: 1, busyTimeoutMs: 1000 });
    try {
      const messages = pooledMessages(direct.messages, pool);
      await messages.list(USER, sessionId, { order: 'desc', limit: LARGE_PAGE });
      await messages.listTree(USER, sessionId, { limit: LARGE_PAGE });
      expect(pool.started).toBe(0);
      expect(await messages.list(USER, sessionId, { order: 'asc', limit: 10 })).toEqual(
        await direct.messages.list(USER, sessionId, { order: 'asc', limit: 10 }),
      );
      expect(pool.started).toBe(1);
      const transfer = pooledTransfer(direct.transfer, pool);
      expect(await transfer.exportMessages(USER, sessionId)).toEqual(
        await direct.transfer.exportMessages(USER, sessionId),
      );
    } finally {
      await pool.close();
    }
  });

  it('keeps the event loop free while a long page is read', async () => {
    // Walking a branch of thousands of messages from the root and reading an export page of 2,000 both take
    // milliseconds of SQLite; timers must keep firing meanwhile, as /health and streaming need.
    const order: string[] = [];
    const reads = Promise.all([
      t.store.messages.list(USER, sessionId, { limit: 500 }),
      t.store.transfer.exportMessages(USER, sessionId, { limit: 2000 }),
    ]).then(() => order.push('read'));
    while (order.length === 0 || order.at(-1) !== 'read') {
      await new Promise((r) => setTimeout(r, 1));
      if (order.at(-1) !== 'read') order.push('tick');
    }
    await reads;
    expect(order[0]).toBe('tick');
  });
});
