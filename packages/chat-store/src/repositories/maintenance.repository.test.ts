import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/temp-store.js';

describe('maintenance', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
    const s = await t.store.sessions.create('u', { title: 'Backup me' });
    for (let i = 0; i < 20; i++)
      await t.store.messages.append('u', s.id, { role: 'user', content: `line ${i} about lighthouses` });
  });
  afterEach(() => t.cleanup());

  // Engine-neutral maintenance behaviour is in test/store-suite.ts; these check SQLite's own answers.
  it("integrity and foreign key checks answer as SQLite's pragmas do", async () => {
    expect(await t.store.maintenance.integrityCheck()).toEqual({ ok: true, messages: ['ok'] });
    expect(await t.store.maintenance.foreignKeyCheck()).toEqual({ ok: true, rows: [] });
  });

  it('foreign key check reports an orphan written with enforcement off', async () => {
    const raw = new Database(t.path);
    raw.pragma('foreign_keys = OFF');
    raw
      .prepare(
        `INSERT INTO chat_messages (id, session_id, role, content, created_at) VALUES ('orphan', 'nope', 'user', 'x', 1)`,
      )
      .run();
    raw.close();
    const check = await t.store.maintenance.foreignKeyCheck();
    expect(check.ok).toBe(false);
    expect(check.rows[0]).toMatchObject({ table: 'chat_messages', parent: 'chat_sessions' });
  });

  it('stats counts rows and reports file and WAL sizes', async () => {
    const stats = await t.store.maintenance.stats();
    expect(stats).toMatchObject({ sessions: 1, messages: 20, users: 0 });
    expect(stats.fileSizeBytes).toBeGreaterThan(0);
    expect(stats.walSizeBytes).toBeGreaterThan(0);
  });
});
