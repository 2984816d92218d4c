import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore } from '@chat-studio/chat-store';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import type { BackupResult } from '../src/backup/index.js';
import { integrityOk, opsEnv, runCli, seedDatabase, snapshot } from './helpers.js';
import { USER_ID } from './helpers.js';

describe('backup and restore commands', () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir);
  const db = env.DATABASE_PATH!;
  const backups = path.join(tmp.dir, 'backups');
  let server: ApiServer;

  beforeAll(async () => {
    await seedDatabase(db, 3, 30);
    server = await startApiServer({ ...env, MODELS_DIR: path.join(tmp.dir, 'no-models') });
  });
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('backs up online, then restore gives back identical rows', async () => {
    // A write through the running server lands in its WAL; the online backup must include it.
    const created = await fetch(`${server.baseUrl}/api/chat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'written by the server' }),
    });
    expect(created.status).toBe(201);
    const original = snapshot(db);
    expect(original.sessions.length).toBe(4);

    const run = await runCli('backup', ['--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as BackupResult;
    expect(path.dirname(result.file)).toBe(backups);
    expect(path.basename(result.file)).toMatch(/^chat_history-\d{4}-\d\d-\d\dT[\d-]+Z\.db$/);
    expect(readdirSync(backups)).toEqual([path.basename(result.file)]);
    expect(snapshot(result.file)).toEqual(original);

    const refused = await runCli('restore', [result.file], { ...env, CHAT_STUDIO_URL: server.baseUrl });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refused: The server is running/);
    expect(snapshot(db)).toEqual(original);

    await server.stop();
    const store = await openChatStore({ path: db });
    const { items } = await store.sessions.list(USER_ID, {});
    for (const s of items.slice(0, 2)) await store.sessions.delete(USER_ID, s.id);
    await store.close();
    const changed = snapshot(db);
    expect(changed.sessions.length).toBe(2);

    const restored = await runCli('restore', [result.file], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect(existsSync(`${db}-shm`)).toBe(false);
    expect(restored.stdout).toContain('4 sessions');
    expect(snapshot(db)).toEqual(original);
    expect(integrityOk(db)).toBe(true);
    const copies = readdirSync(backups).filter((f) => f.startsWith('before-restore-') && f.endsWith('.db'));
    expect(copies).toEqual([expect.stringMatching(/^before-restore-chat_history-\d{4}-\d\d-\d\dT[\d-]+Z\.db$/)]);
    expect(restored.stdout).toContain(`kept as ${path.join(backups, copies[0]!)}`);
    expect(snapshot(path.join(backups, copies[0]!))).toEqual(changed);
    expect(existsSync(`${db}.restoring`)).toBe(false);
  });

  it('a second restore keeps a second safety copy; --list shows both; --keep bounds them', async () => {
    const [backup] = readdirSync(backups).filter((f) => f.startsWith('chat_history-'));
    const first = readdirSync(backups).filter((f) => f.startsWith('before-restore-') && f.endsWith('.db'));
    expect(first).toHaveLength(1);
    const again = await runCli('restore', [path.join(backups, backup!)], env);
    expect(again.code, again.stderr).toBe(0);
    const both = readdirSync(backups)
      .filter((f) => f.startsWith('before-restore-') && f.endsWith('.db'))
      .sort();
    expect(both).toHaveLength(2);
    expect(both).toContain(first[0]);

    const list = await runCli('restore', ['--list'], env);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.split('\n');
    // Newest first, each with its database and time.
    expect(lines.filter((l) => l.includes('before-restore-')).map((l) => l.trim().split(/\s+/)[0])).toEqual(
      [...both].reverse(),
    );
    expect(list.stdout).toMatch(/before-restore-\S+\s+chat_history\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/);
    expect(list.stdout).toContain(backup);

    const third = await runCli('restore', [path.join(backups, backup!), '--keep', '2'], env);
    expect(third.code, third.stderr).toBe(0);
    const kept = readdirSync(backups)
      .filter((f) => f.startsWith('before-restore-') && f.endsWith('.db'))
      .sort();
    expect(kept).toHaveLength(2);
    expect(kept).not.toContain(both[0]);
    expect(third.stdout).toContain(`Removed the older safety copy ${path.join(backups, both[0]!)}`);
  });

  it('rotates backups, keeping the newest --keep', async () => {
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runCli('backup', ['--json', '--keep', '2'], env);
      expect(run.code, run.stderr).toBe(0);
      files.push((JSON.parse(run.stdout) as BackupResult).file);
    }
    expect(
      readdirSync(backups)
        .filter((f) => f.startsWith('chat_history-'))
        .sort(),
    ).toEqual(
      files
        .slice(-2)
        .map((f) => path.basename(f))
        .sort(),
    );
  });

  it('refuses a file that is not a Chat Studio database and changes nothing', async () => {
    const before = snapshot(db);
    const bogus = path.join(tmp.dir, 'bogus.db');
    writeFileSync(bogus, 'not a database at all'.repeat(100));
    const run = await runCli('restore', [bogus], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Refused/);
    const missing = await runCli('restore', [path.join(tmp.dir, 'nope.db')], env);
    expect(missing.code).toBe(1);
    expect(snapshot(db)).toEqual(before);
  });

  it('refuses while the pid file names a live process', async () => {
    writeFileSync(env.PID_FILE!, `${process.pid}\n`);
    try {
      const [file] = readdirSync(backups);
      const run = await runCli('restore', [path.join(backups, file!)], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`process ${process.pid}`));
    } finally {
      writeFileSync(env.PID_FILE!, '');
    }
  });
});
