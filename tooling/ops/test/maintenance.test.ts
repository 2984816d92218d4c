import {
  copyFileSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
  closeSync,
  mkdirSync,
  writeFileSync,
  utimesSync,
  existsSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore } from '@chat-studio/chat-store';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import type { MaintenanceReport } from '../src/maintenance/index.js';
import { integrityOk, opsEnv, runCli, seedDatabase, snapshot } from './helpers.js';
import { USER_ID } from './helpers.js';

describe('maintenance command', () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir);
  let server: ApiServer;

  beforeAll(async () => {
    await seedDatabase(env.DATABASE_PATH!, 5, 40);
    // Deleted rows leave free pages for VACUUM to reclaim.
    const store = await openChatStore({ path: env.DATABASE_PATH! });
    const { items } = await store.sessions.list(USER_ID, { limit: 1 });
    await store.sessions.delete(USER_ID, items[0]!.id);
    await store.close();
    server = await startApiServer({ ...env, MODELS_DIR: path.join(tmp.dir, 'no-models') });
  });
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('keeps every row and an intact database while the server runs', async () => {
    const before = snapshot(env.DATABASE_PATH!);
    expect(before.messages.length).toBe(160);
    const temp = path.join(tmp.dir, 'temp');
    mkdirSync(temp, { recursive: true });
    writeFileSync(path.join(temp, 'old.part'), 'x'.repeat(1000));
    utimesSync(path.join(temp, 'old.part'), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    writeFileSync(path.join(temp, 'fresh.part'), 'y');

    const run = await runCli('maintenance', ['--json'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as MaintenanceReport;
    expect(report.steps.map((s) => s.name)).toEqual([
      'integrity_check',
      'fts check',
      'fts optimize',
      'foreign_key_check',
      'vectors check',
      'VACUUM',
      'ANALYZE',
      'clean temp',
    ]);
    expect(report.steps.every((s) => s.ok)).toBe(true);
    expect(report.before.stats.messages).toBe(160);
    expect(report.after?.stats.messages).toBe(160);
    expect(report.after?.diskFreeBytes).toBeGreaterThan(0);

    expect(snapshot(env.DATABASE_PATH!)).toEqual(before);
    expect(integrityOk(env.DATABASE_PATH!)).toBe(true);
    expect(existsSync(path.join(temp, 'old.part'))).toBe(false);
    expect(existsSync(path.join(temp, 'fresh.part'))).toBe(true);

    // The server still serves from the maintained file.
    const res = await fetch(`${server.baseUrl}/api/chat/search?q=lighthouse`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('rebuilds the search index with --rebuild-fts and prints sizes before and after', async () => {
    const before = snapshot(env.DATABASE_PATH!);
    const run = await runCli('maintenance', ['--rebuild-fts'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^fts rebuild\s+ok/m);
    expect(run.stdout).toMatch(/^before: .+ 4 sessions, 160 messages, disk free/m);
    expect(run.stdout).toMatch(/^after: .+ 4 sessions, 160 messages, disk free/m);
    expect(snapshot(env.DATABASE_PATH!)).toEqual(before);
    const search = await fetch(`${server.baseUrl}/api/chat/search?q=lighthouse`);
    expect(((await search.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('refuses to touch a damaged database', async () => {
    const damaged = path.join(tmp.dir, 'damaged.db');
    await seedDatabase(path.join(tmp.dir, 'big.db'), 4, 150, 60);
    copyFileSync(path.join(tmp.dir, 'big.db'), damaged);
    const size = statSync(damaged).size;
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(16 * 4096, 0x5a), 0, 16 * 4096, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const bytes = readFileSync(damaged);

    const run = await runCli('maintenance', ['--json'], { ...env, DATABASE_PATH: damaged });
    expect(run.code).toBe(1);
    // Found by the integrity check, or earlier by the open itself (where the damage lands depends on the schema's size).
    expect(run.stdout + run.stderr).toMatch(/integrity_check|malformed|damaged/);
    expect(readFileSync(damaged).equals(bytes)).toBe(true);
  });
});
