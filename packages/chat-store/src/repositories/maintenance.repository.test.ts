import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/temp-store.js';
import { openChatStore } from '../index.js';

describe('maintenance', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
    const s = await t.store.sessions.create('u', { title: 'Backup me' });
    for (let i = 0; i < 20; i++) await t.store.messages.append('u', s.id, { role: 'user', content: `line ${i} about lighthouses` });
  });
  afterEach(() => t.cleanup());

  it('integrity and foreign key checks pass on a healthy database', async () => {
    expect(await t.store.maintenance.integrityCheck()).toEqual({ ok: true, messages: ['ok'] });
    expect(await t.store.maintenance.foreignKeyCheck()).toEqual({ ok: true, rows: [] });
  });

  it('foreign key check reports an orphan written with enforcement off', async () => {
    const raw = new Database(t.path);
    raw.pragma('foreign_keys = OFF');
    raw.prepare(`INSERT INTO chat_messages (id, session_id, role, content, created_at) VALUES ('orphan', 'nope', 'user', 'x', 1)`).run();
    raw.close();
    const check = await t.store.maintenance.foreignKeyCheck();
    expect(check.ok).toBe(false);
    expect(check.rows[0]).toMatchObject({ table: 'chat_messages', parent: 'chat_sessions' });
  });

  it('vacuum, analyze, rebuild and optimize keep data and search working', async () => {
    await t.store.maintenance.vacuum();
    await t.store.maintenance.analyze();
    await t.store.maintenance.rebuildSearchIndex();
    await t.store.maintenance.optimizeSearchIndex();
    expect((await t.store.search('u', 'lighthouses', { limit: 50 })).items).toHaveLength(20);
    expect((await t.store.maintenance.integrityCheck()).ok).toBe(true);
  });

  it('backup produces a database with the same rows that opens as a store', async () => {
    const target = join(t.dir, 'backups', 'copy.db');
    await t.store.maintenance.backup(target);
    const copy = await openChatStore({ path: target });
    expect(await copy.maintenance.stats()).toMatchObject({ sessions: 1, messages: 20 });
    const [s] = (await copy.sessions.list('u')).items;
    expect(s!.title).toBe('Backup me');
    expect((await copy.search('u', 'lighthouses', { limit: 50 })).items).toHaveLength(20);
    const a = await t.store.messages.list('u', s!.id, { limit: 100 });
    const b = await copy.messages.list('u', s!.id, { limit: 100 });
    expect(b).toEqual(a);
    await copy.close();
  });

  it('stats counts rows and reports file and WAL sizes', async () => {
    const stats = await t.store.maintenance.stats();
    expect(stats).toMatchObject({ sessions: 1, messages: 20, users: 0 });
    expect(stats.fileSizeBytes).toBeGreaterThan(0);
    expect(stats.walSizeBytes).toBeGreaterThan(0);
  });
});
