import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, openTempStore, type TempStore } from '../../../test/temp-store.js';
import { resolveDatabasePath } from '../connection/open-database.js';
import { ChatStoreClosedError, MigrationError, STORE_MIGRATIONS, openChatStore, openSqliteStore } from '../../index.js';

describe('openChatStore', () => {
  let t: TempStore | undefined;
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
    for (const remove of dirs.splice(0)) remove();
  });

  it('sets WAL, foreign keys, busy timeout and synchronous=NORMAL on the connection', async () => {
    t = await openTempStore({ busyTimeoutMs: 1234 });
    const raw = new Database(t.path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const { rows } = await import('kysely').then(({ sql }) =>
      sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(t!.store.db),
    );
    expect(rows[0]?.foreign_keys).toBe(1);
    const busy = await import('kysely').then(({ sql }) =>
      sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(t!.store.db),
    );
    expect(busy.rows[0]?.timeout).toBe(1234);
    const sync = await import('kysely').then(({ sql }) =>
      sql<{ synchronous: number }>`PRAGMA synchronous`.execute(t!.store.db),
    );
    expect(sync.rows[0]?.synchronous).toBe(1);
  });

  it('creates the folder and resolves the path', async () => {
    const { dir, remove } = makeTempDir();
    dirs.push(remove);
    const path = join(dir, 'nested', 'deeper', 'x.db');
    const store = await openChatStore({ path });
    expect(store.path).toBe(path);
    expect(existsSync(path)).toBe(true);
    await store.close();
  });

  it('reads no environment: DATABASE_PATH is for the app to pass as `path`', async () => {
    const { dir, remove } = makeTempDir();
    dirs.push(remove);
    const before = process.env.DATABASE_PATH;
    process.env.DATABASE_PATH = join(dir, 'from-env.db');
    try {
      const store = await openChatStore({ path: ':memory:' });
      expect(store.path).toBe(':memory:');
      await store.close();
      expect(resolveDatabasePath(undefined)).toBe(resolve('data/chat_history.db'));
      expect(existsSync(join(dir, 'from-env.db'))).toBe(false);
    } finally {
      if (before === undefined) delete process.env.DATABASE_PATH;
      else process.env.DATABASE_PATH = before;
    }
  });

  it('runs every migration once and is idempotent on reopen', async () => {
    t = await openTempStore();
    const session = await t.store.sessions.create('u', { title: 'kept' });
    await t.store.close();
    const names = () => {
      const raw = new Database(t!.path, { readonly: true });
      const rows = raw.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[];
      raw.close();
      return rows.map((r) => r.name);
    };
    expect(names()).toEqual([...STORE_MIGRATIONS]);
    for (let i = 0; i < 2; i++) {
      const again = await openChatStore({ path: t.path });
      expect((await again.sessions.get('u', session.id))?.title).toBe('kept');
      await again.close();
    }
    expect(names()).toEqual([...STORE_MIGRATIONS]);
    t.store = await openSqliteStore({ path: t.path });
  });

  it('opens read-only and refuses an unmigrated file', async () => {
    t = await openTempStore();
    const s = await t.store.sessions.create('u');
    const ro = await openChatStore({ path: t.path, readonly: true });
    expect((await ro.sessions.get('u', s.id))?.id).toBe(s.id);
    await expect(ro.sessions.create('u')).rejects.toThrow(/read-only/i);
    await ro.close();

    const { dir, remove } = makeTempDir();
    dirs.push(remove);
    new Database(join(dir, 'empty.db')).close();
    await expect(openChatStore({ path: join(dir, 'empty.db'), readonly: true })).rejects.toBeInstanceOf(MigrationError);
  });

  it('works in memory', async () => {
    const store = await openChatStore({ path: ':memory:' });
    const s = await store.sessions.create('u');
    expect(await store.messages.append('u', s.id, { role: 'user', content: 'in memory' })).toBeDefined();
    expect((await store.search('u', 'memory')).items).toHaveLength(1);
    expect((await store.maintenance.stats()).fileSizeBytes).toBe(0);
    await store.close();
  });

  it('runs the troubleshooting guide SQL', async () => {
    t = await openTempStore();
    const s = await t.store.sessions.create('alice', { title: 'Guide' });
    for (let i = 0; i < 7; i++) await t.store.messages.append('alice', s.id, { role: 'user', content: `message ${i}` });
    await t.store.close();
    const raw = new Database(t.path);
    const latest = raw.prepare('SELECT * FROM chat_messages ORDER BY timestamp DESC LIMIT 5').all() as {
      content: string;
      timestamp: number;
      created_at: number;
    }[];
    expect(latest).toHaveLength(5);
    for (const row of latest) expect(row.timestamp).toBe(row.created_at);
    expect(raw.prepare('SELECT user_id FROM chat_sessions WHERE id = ?').get(s.id)).toEqual({ user_id: 'alice' });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM chat_messages').get()).toEqual({ n: 7 });
    const tables = (raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(tables).toEqual(
      expect.arrayContaining(['chat_sessions', 'chat_messages', 'messages_fts', 'users', 'auth_sessions', 'api_keys']),
    );
    raw.close();
    t.store = await openSqliteStore({ path: t.path });
  });

  it('ping answers and close is idempotent; use after close throws ChatStoreClosedError', async () => {
    t = await openTempStore();
    expect(await t.store.ping()).toBe(true);
    await t.store.close();
    await t.store.close();
    expect(await t.store.ping()).toBe(false);
    await expect(t.store.sessions.get('u', 'x')).rejects.toBeInstanceOf(ChatStoreClosedError);
  });
});
