/** `pnpm health` against a server with AUTH=on: without a key its models check says how to pass one; with one it passes. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import type { HealthReport } from '../src/health/index.js';
import { opsEnv, runCli, seedDatabase, waitHealthy } from './helpers.js';

const API_CLI = path.resolve(import.meta.dirname, '../../../apps/api/dist/cli');

describe('health command with AUTH=on', () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir, { AUTH: 'on' });
  let server: ApiServer;
  let key = '';

  beforeAll(async () => {
    await seedDatabase(env.DATABASE_PATH!, 1, 2);
    const cli = (name: string, args: string[], input?: string) =>
      execFileSync(process.execPath, [path.join(API_CLI, `${name}.js`), ...args], {
        env: { ...process.env, ...env },
        input,
        encoding: 'utf8',
      });
    cli('users', ['add', 'alice', '--password-stdin'], 'a long enough password 42\n');
    key = cli('keys', ['create', 'alice', '--name', 'health']).trim();
    server = await startApiServer(env);
    await waitHealthy(server.baseUrl);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  const models = (report: HealthReport) => report.checks.find((c) => c.name === 'models')!;

  it('fails the models check without a key and says how to give one', async () => {
    const run = await runCli('health', ['--json', '--url', server.baseUrl], env);
    expect(run.code).toBe(1);
    const check = models(JSON.parse(run.stdout) as HealthReport);
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/HTTP 401.*--key KEY or set CHAT_STUDIO_KEY/);
  });

  it('passes with --key, and with CHAT_STUDIO_KEY', async () => {
    expect(key).toMatch(/^cs_/);
    const withFlag = await runCli('health', ['--json', '--url', server.baseUrl, '--key', key], env);
    expect(models(JSON.parse(withFlag.stdout) as HealthReport).status, withFlag.stdout).toBe('pass');
    expect(withFlag.code, withFlag.stdout).toBe(0);
    const withEnv = await runCli('health', ['--json', '--url', server.baseUrl], { ...env, CHAT_STUDIO_KEY: key });
    expect(models(JSON.parse(withEnv.stdout) as HealthReport).status).toBe('pass');
  });

  it('names a refused key as such', async () => {
    const run = await runCli('health', ['--json', '--url', server.baseUrl, '--key', `${key.slice(0, -4)}xxxx`], env);
    expect(models(JSON.parse(run.stdout) as HealthReport).detail).toMatch(/refused the API key/);
  });
});
