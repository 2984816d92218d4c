/**
 * Two API processes on one host and one SQLite database: each has its own pid file and log folder, `pnpm health`
 * lists both, `pnpm restore` refuses while either runs, `pnpm stop` stops one and `pnpm stop --all` the rest.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import type { BackupResult } from '../src/backup/index.js';
import type { HealthReport } from '../src/health/index.js';
import { runCli, seedDatabase } from './helpers.js';

describe('two instances on one host and one database', { timeout: 300_000 }, () => {
  const tmp = tempDir('cs-ops-instances-');
  const data = path.join(tmp.dir, 'data');
  const logs = path.join(tmp.dir, 'logs');
  // No PID_FILE: each process names its own from its instance (the port by default).
  const env: NodeJS.ProcessEnv = {
    DATABASE_PATH: path.join(data, 'chat_history.db'),
    LOGS_DIR: logs,
    MODELS_DIR: path.join(tmp.dir, 'no-models'),
    WEB_DIST: path.join(tmp.dir, 'no-web'),
    PID_FILE: '',
  };
  let a: ApiServer;
  let b: ApiServer;
  let backup: string;
  const alive = (s: ApiServer) => s.child.exitCode === null && s.child.signalCode === null;

  beforeAll(async () => {
    await seedDatabase(env.DATABASE_PATH!, 2, 4);
    const made = await runCli('backup', ['--json'], env);
    expect(made.code, made.stderr).toBe(0);
    backup = (JSON.parse(made.stdout) as BackupResult).file;
    a = await startApiServer(env, { timeoutMs: 120_000 });
    b = await startApiServer({ ...env, INSTANCE: 'blue' }, { timeoutMs: 120_000 });
  }, 300_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    tmp.cleanup();
  });

  it('keeps pid files and logs apart', () => {
    expect(readFileSync(path.join(data, `chat-studio-${a.port}.pid`), 'utf8').trim()).toBe(String(a.child.pid));
    expect(readFileSync(path.join(data, 'chat-studio-blue.pid'), 'utf8').trim()).toBe(String(b.child.pid));
    // Beside the folders, logs/backend.log links to the instance started last.
    expect(
      readdirSync(logs)
        .filter((f) => !f.endsWith('.log'))
        .sort(),
    ).toEqual([String(a.port), 'blue'].sort());
    for (const dir of [String(a.port), 'blue'])
      expect(readdirSync(path.join(logs, dir)).some((f) => f.startsWith('backend'))).toBe(true);
  });

  it('pnpm health lists both instances', async () => {
    const run = await runCli('health', ['--json'], { ...env, PORT: String(a.port) });
    const report = JSON.parse(run.stdout) as HealthReport;
    const check = report.checks.find((c) => c.name === 'instances')!;
    expect(check.status, check.detail).toBe('pass');
    expect(check.detail).toMatch(/^2 running: /);
    expect(check.detail).toContain(`pid ${a.child.pid}, port ${a.port}`);
    expect(check.detail).toContain(`blue (pid ${b.child.pid}, port ${b.port}`);
  });

  it('restore refuses while either runs; pnpm stop stops one instance, --all the rest, then restore proceeds', async () => {
    // Asked as instance A's operator would: its port, nothing about B.
    const envA = { ...env, PORT: String(a.port) };
    const refused = await runCli('restore', [backup], envA);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`process ${a.child.pid} from`);
    expect(refused.stderr).toContain(`blue (pid ${b.child.pid}`);

    const one = await runCli('stop', [], envA);
    expect(one.code, one.stdout).toBe(0);
    expect(alive(a)).toBe(false);
    expect(alive(b)).toBe(true);
    expect(existsSync(path.join(data, `chat-studio-${a.port}.pid`))).toBe(false);

    const still = await runCli('restore', [backup], envA);
    expect(still.code).toBe(1);
    expect(still.stderr).toContain(`blue (pid ${b.child.pid}`);
    expect(still.stderr).toContain('pnpm stop --all');

    const all = await runCli('stop', ['--all'], envA);
    expect(all.code, all.stdout).toBe(0);
    expect(all.stdout).toContain('blue');
    expect(alive(b)).toBe(false);

    const restored = await runCli('restore', [backup], envA);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('2 sessions');
  });
});
