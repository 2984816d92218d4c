import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openChatStore } from '../index.js';
import { openTempStore, type TempStore } from '../../test/temp-store.js';
import { DatabaseBusyError, StorageCorruptError, StorageFullError, StorageReadOnlyError } from './index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function seeded(): Promise<TempStore & { sessionId: string }> {
  const t = await openTempStore({ busyTimeoutMs: 200 });
  cleanups.push(() => t.cleanup());
  const s = await t.store.sessions.create('u', { title: 'Kept' });
  for (let i = 0; i < 50; i++)
    await t.store.messages.append('u', s.id, { role: 'user', content: `message ${i} ${'x'.repeat(200)}` });
  return { ...t, sessionId: s.id };
}

describe('storage failures become named errors and show in the probe', () => {
  it('a full database (max_page_count) refuses writes with StorageFullError, keeps reads, and the probe says so', async () => {
    const t = await seeded();
    const pages = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(t.store.db)).rows[0]!.page_count;
    await sql.raw(`PRAGMA max_page_count = ${pages}`).execute(t.store.db);
    const big = 'y'.repeat(64 * 1024);
    await expect(t.store.messages.append('u', t.sessionId, { role: 'user', content: big })).rejects.toBeInstanceOf(
      StorageFullError,
    );
    expect((await t.store.messages.list('u', t.sessionId, {}))!.items.length).toBeGreaterThan(0);
    expect(await t.store.maintenance.probe()).toMatchObject({ state: 'degraded', failure: 'storage_full' });
  });

  it('a read-only file: reads work, writes fail with StorageReadOnlyError, the probe says degraded', async () => {
    const t = await seeded();
    await t.store.close();
    makeReadOnly(t.path);
    const store = await openChatStore({ path: t.path });
    cleanups.push(() => store.close());
    expect((await store.messages.list('u', t.sessionId, {}))!.items.length).toBe(50);
    expect(await store.maintenance.probe()).toMatchObject({ state: 'degraded', failure: 'storage_read_only' });
    await expect(store.messages.append('u', t.sessionId, { role: 'user', content: 'x' })).rejects.toBeInstanceOf(
      StorageReadOnlyError,
    );
  });

  it('a damaged page: reads fail with StorageCorruptError and the probe says down', async () => {
    const t = await seeded();
    await t.store.close();
    const raw = new Database(t.path);
    const root = (
      raw.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'chat_messages'`).get() as { rootpage: number }
    ).rootpage;
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const fd = openSync(t.path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (root - 1) * pageSize);
    closeSync(fd);
    const store = await openChatStore({ path: t.path });
    cleanups.push(() => store.close());
    await expect(store.messages.list('u', t.sessionId, {})).rejects.toBeInstanceOf(StorageCorruptError);
    expect(await store.maintenance.probe()).toMatchObject({ state: 'down', failure: 'storage_corrupt' });
  });

  it('a lock held past the busy timeout: DatabaseBusyError with a retry time, and the probe says degraded', async () => {
    const t = await seeded();
    const other = new Database(t.path);
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    cleanups.push(() => other.exec('ROLLBACK'));
    expect(await t.store.maintenance.probe()).toMatchObject({ state: 'ok' });
    const error = await t.store.messages
      .append('u', t.sessionId, { role: 'user', content: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseBusyError);
    expect((error as DatabaseBusyError).retryAfterSeconds).toBeGreaterThan(0);
    expect(await t.store.maintenance.probe()).toMatchObject({ state: 'degraded', failure: 'database_busy' });
    other.exec('ROLLBACK');
    cleanups.pop();
    expect(await t.store.maintenance.probe()).toMatchObject({ state: 'ok' });
  });
});

/**
 * Makes the database file unwritable for this process: `chattr +i` when running as root (root ignores file modes),
 * else a read-only mode. SQLite then opens it read-only without a word and only writes fail.
 */
function makeReadOnly(path: string): void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', path]);
    cleanups.push(() => execFileSync('chattr', ['-i', path]));
  } else {
    chmodSync(path, 0o444);
  }
}
