import { copyFileSync, openSync, statSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import type { HealthReport } from '../src/health/index.js';
import { opsEnv, runCli, seedDatabase, waitHealthy } from './helpers.js';

describe('health command', () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir);
  let server: ApiServer;

  beforeAll(async () => {
    await seedDatabase(env.DATABASE_PATH!, 3, 20);
    server = await startApiServer(env);
    await waitHealthy(server.baseUrl);
  });
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  const check = (report: HealthReport, name: string) => report.checks.find((c) => c.name === name)!;

  it('passes against a running server with its model loaded', async () => {
    const run = await runCli('health', ['--json', '--url', server.baseUrl], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(report.ok).toBe(true);
    expect(check(report, 'server').status).toBe('pass');
    expect(check(report, 'models')).toMatchObject({
      status: 'pass',
      data: { active: expect.stringContaining('stories260K') },
    });
    expect(check(report, 'database')).toMatchObject({ status: 'pass', data: { sessions: 3, messages: 60 } });
    expect(check(report, 'integrity').status).toBe('pass');
    expect(check(report, 'memory').status).not.toBe('fail');
    expect(check(report, 'disk').status).not.toBe('fail');
    expect(check(report, 'cpu').data).toHaveProperty('cores');
  });

  it('prints a readable table, reading the URL from PORT', async () => {
    const port = new URL(server.baseUrl).port;
    const run = await runCli('health', [], { ...env, CHAT_STUDIO_URL: '', HOST: '127.0.0.1', PORT: port });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^server\s+PASS\s+ok, version/m);
    expect(run.stdout).toMatch(/^database\s+PASS\s+3 sessions, 60 messages/m);
    expect(run.stdout).toMatch(/all checks passed|healthy with \d+ warning/);
  });

  it('fails when the server is stopped, still checking the database and the machine', async () => {
    await server.stop();
    const run = await runCli('health', ['--json', '--url', server.baseUrl], env);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(report.ok).toBe(false);
    expect(check(report, 'server')).toMatchObject({ status: 'fail', detail: expect.stringContaining('not reachable') });
    expect(check(report, 'database').status).toBe('pass');
    expect(check(report, 'integrity').status).toBe('pass');
    expect(check(report, 'disk').status).not.toBe('fail');
  });

  it('fails on a copy of the database with damaged pages', async () => {
    const big = path.join(tmp.dir, 'big.db');
    await seedDatabase(big, 4, 150, 60);
    const damaged = path.join(tmp.dir, 'damaged.db');
    copyFileSync(big, damaged);
    const size = statSync(damaged).size;
    expect(size).toBeGreaterThan(100 * 4096);
    // Garbage over 16 pages in the middle: b-tree pages of messages and the search index.
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(16 * 4096, 0x5a), 0, 16 * 4096, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);

    const run = await runCli('health', ['--json'], { ...env, DATABASE_PATH: damaged });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(check(report, 'integrity').status).toBe('fail');

    const good = await runCli('health', ['--json'], { ...env, DATABASE_PATH: big });
    expect(check(JSON.parse(good.stdout) as HealthReport, 'integrity').status).toBe('pass');
  });

  it('fails when the database file does not exist', async () => {
    const run = await runCli('health', ['--json'], { ...env, DATABASE_PATH: path.join(tmp.dir, 'missing.db') });
    expect(run.code).toBe(1);
    expect(check(JSON.parse(run.stdout) as HealthReport, 'database')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('not found'),
    });
  });
});
