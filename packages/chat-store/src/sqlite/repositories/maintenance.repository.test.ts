import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';

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

  // Regression (issue #19, the guide's FTS rebuild under a running server): the probe behind /health once checked
  // writability with open()+close() of the database file, which drops every POSIX lock this process holds on it. The
  // next process to close its connection (Debian's sqlite3 shell, as the guide uses it) then took itself for the last
  // one, checkpointed and deleted the WAL under the server's open connection, and the server left a malformed file
  // behind when it stopped. The sqlite3 shell is what CI installs for the guide's tests (.ci/run).
  const sqlite3Shell = spawnSync('sqlite3', ['-version']).status === 0;
  it.skipIf(!sqlite3Shell && !process.env.CI)(
    "the storage probe keeps this process's locks: a sqlite3 shell closing its connection leaves the WAL alone",
    async () => {
      expect(await t.store.maintenance.probe()).toMatchObject({ state: 'ok' });
      const shell = spawnSync('sqlite3', [t.path, "UPDATE chat_sessions SET title = 'from the sqlite3 shell'"], {
        encoding: 'utf8',
      });
      expect(shell.status, shell.stderr).toBe(0);
      // Our connection is still open, so the shell was not the last one: the WAL stays, with its frames.
      expect(existsSync(`${t.path}-wal`)).toBe(true);
      expect(statSync(`${t.path}-wal`).size).toBeGreaterThan(0);
      expect(await t.store.maintenance.integrityCheck()).toEqual({ ok: true, messages: ['ok'] });
    },
  );
});
