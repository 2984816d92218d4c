import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { ChatStoreClosedError, InvalidCursorError } from '../../errors/index.js';
import { ReadPool } from './index.js';

// A read that keeps SQLite busy for a while (a few hundred milliseconds), without any table.
const SLOW_READ =
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c';

describe('read pool', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  async function seeded(): Promise<TempStore> {
    const t = await openTempStore();
    cleanups.push(() => t.cleanup());
    const s = await t.store.sessions.create('u', { title: 'Lights' });
    for (let i = 0; i < 30; i++)
      await t.store.messages.append('u', s.id, { role: 'user', content: `lantern number ${i}` });
    return t;
  }

  it('answers searches from worker threads with what the store connection sees, writes included', async () => {
    const t = await seeded();
    const inline = await openTempStoreAt(t.path);
    cleanups.unshift(() => inline.close());
    const pooled = await t.store.search('u', 'lantern', { limit: 50 });
    expect(pooled.items).toHaveLength(30);
    expect((await inline.search('u', 'lantern', { limit: 50 })).items).toEqual(pooled.items);
    // A write on the store's connection is visible to the next pooled read.
    const s = await t.store.sessions.create('u');
    const m = await t.store.messages.append('u', s.id, { role: 'user', content: 'a lantern just now' });
    expect((await t.store.search('u', 'just now lantern')).items.map((h) => h.message_id)).toEqual([m!.id]);
    await expect(t.store.search('u', 'lantern', { cursor: 'bogus!' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('keeps the event loop free while a long read runs', async () => {
    const t = await seeded();
    const pool = new ReadPool({ path: t.path, size: 1, busyTimeoutMs: 1000 });
    cleanups.unshift(() => pool.close());
    const order: string[] = [];
    const slow = pool.run({ kind: 'all', sql: SLOW_READ, params: [] }).then((rows) => {
      order.push('read');
      return rows;
    });
    // Timers fire, over and over, while the read is still running in the worker.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 10));
      order.push('tick');
    }
    expect(await slow).toEqual([{ n: 3_000_000 }]);
    expect(order.slice(0, 5)).toEqual(['tick', 'tick', 'tick', 'tick', 'tick']);
    expect(pool.started).toBe(1);
  });

  it.skipIf(process.platform !== 'linux')('runs its workers at a lower CPU priority than the event loop', async () => {
    const t = await seeded();
    // Niceness of every thread of this process (field 19 of /proc/self/task/<tid>/stat, after the command name).
    const niceness = () =>
      readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
    const target = Math.min(19, os.getPriority() + 7);
    const before = niceness().filter((n) => n === target).length;
    const pool = new ReadPool({ path: t.path, size: 2, busyTimeoutMs: 1000, nice: 7 });
    cleanups.unshift(() => pool.close());
    await Promise.all([0, 1].map(() => pool.run({ kind: 'all', sql: 'SELECT 1', params: [] })));
    expect(pool.started).toBe(2);
    expect(niceness().filter((n) => n === target).length).toBe(before + 2);
    // The main thread keeps its own.
    expect(os.getPriority()).toBeLessThan(target);
  });

  it('lets an idle worker exit and starts one again for the next job', async () => {
    const t = await seeded();
    const pool = new ReadPool({ path: t.path, size: 1, busyTimeoutMs: 5000, idleMs: 50, warm: 0 });
    cleanups.unshift(() => pool.close());
    expect(pool.started).toBe(0);
    const count = { kind: 'all', sql: 'SELECT count(*) AS n FROM chat_messages', params: [] } as const;
    expect(await pool.run(count)).toEqual([{ n: 30 }]);
    expect(pool.started).toBe(1);
    for (let i = 0; i < 200 && pool.started > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pool.started).toBe(0);
    // Still serves, with what was written since.
    await t.store.messages.append('u', (await t.store.sessions.list('u')).items[0]!.id, { role: 'user', content: 'x' });
    expect(await pool.run(count)).toEqual([{ n: 31 }]);
    expect(pool.started).toBe(1);
  });

  it('keeps its first worker started while idle, and lets the others exit', async () => {
    const t = await seeded();
    const pool = new ReadPool({ path: t.path, size: 2, busyTimeoutMs: 5000, idleMs: 50 });
    cleanups.unshift(() => pool.close());
    const slow = { kind: 'all', sql: SLOW_READ, params: [] } as const;
    const running = Promise.all([pool.run(slow), pool.run(slow)]);
    expect(pool.started).toBe(2);
    await running;
    for (let i = 0; i < 200 && pool.started > 1; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pool.started).toBe(1);
    // Well past the idle time, the warm one is still there, and it sees what was written meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.started).toBe(1);
    await t.store.messages.append('u', (await t.store.sessions.list('u')).items[0]!.id, { role: 'user', content: 'x' });
    expect(await pool.run({ kind: 'all', sql: 'SELECT count(*) AS n FROM chat_messages', params: [] })).toEqual([
      { n: 31 },
    ]);
  });

  it('serves jobs queued back to back on a worker with a tiny idle time', async () => {
    const t = await seeded();
    const pool = new ReadPool({ path: t.path, size: 1, busyTimeoutMs: 5000, idleMs: 1 });
    cleanups.unshift(() => pool.close());
    const slow = { kind: 'all', sql: SLOW_READ, params: [] } as const;
    const results = await Promise.all([pool.run(slow), pool.run(slow)]);
    expect(results).toEqual([[{ n: 3000000 }], [{ n: 3000000 }]]);
  });

  it('refuses statements that write, and fails running jobs on close', async () => {
    const t = await seeded();
    const pool = new ReadPool({ path: t.path, size: 2, busyTimeoutMs: 1000 });
    await expect(pool.run({ kind: 'all', sql: 'DELETE FROM chat_messages', params: [] })).rejects.toThrow(/read-only/);
    const running = expect(pool.run({ kind: 'all', sql: SLOW_READ, params: [] })).rejects.toBeInstanceOf(
      ChatStoreClosedError,
    );
    await pool.close();
    await running;
    await expect(pool.run({ kind: 'all', sql: 'SELECT 1', params: [] })).rejects.toBeInstanceOf(ChatStoreClosedError);
    expect((await t.store.maintenance.stats()).messages).toBe(30);
  });

  it('reads the file through a memory map only when asked (none by default)', async () => {
    const t = await seeded();
    const mmap = async (pool: ReadPool) =>
      ((await pool.run({ kind: 'all', sql: 'PRAGMA mmap_size', params: [] })) as { mmap_size: number }[])[0]?.mmap_size;
    const pools = [new ReadPool({ path: t.path, size: 1, busyTimeoutMs: 1000 })];
    pools.push(new ReadPool({ path: t.path, size: 1, busyTimeoutMs: 1000, mmapBytes: 1024 * 1024 * 1024 }));
    cleanups.unshift(async () => {
      for (const pool of pools) await pool.close();
    });
    expect(await mmap(pools[0]!)).toBe(0);
    expect(await mmap(pools[1]!)).toBe(1024 * 1024 * 1024);
  });
});

async function openTempStoreAt(path: string) {
  const { openChatStore } = await import('../../index.js');
  return openChatStore({ path, readPool: 0 });
}
