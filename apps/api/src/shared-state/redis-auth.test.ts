/** A Redis that refuses the password in REDIS_URL is named as an authentication failure at start, not "Connection is closed". */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort, waitFor } from '@chat-studio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimitStore, SharedStateError } from './index.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.CI === 'true')
  throw new Error('redis-server must be installed in CI (apt install redis-server)');

describe.skipIf(!hasRedisServer)('Redis with a password', () => {
  let port: number;
  let redis: ChildProcess;

  beforeAll(async () => {
    port = await freePort();
    redis = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--requirepass',
        'right-secret',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      () =>
        spawnSync('redis-cli', ['-p', String(port), '-a', 'right-secret', '--no-auth-warning', 'ping'], {
          encoding: 'utf8',
        }).stdout?.trim() === 'PONG',
      10_000,
      'redis-server',
    );
  });
  afterAll(async () => {
    const exited = once(redis, 'exit');
    redis.kill('SIGKILL');
    await exited;
  });

  it('a wrong password fails start-up with a message about authentication, the password redacted', async () => {
    const error = await createRedisRateLimitStore(`redis://:wrong-secret@127.0.0.1:${port}/0`, {
      connectTimeoutMs: 3000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SharedStateError);
    const message = (error as Error).message;
    expect(message).toMatch(/refused to authenticate/);
    expect(message).toMatch(/WRONGPASS|invalid/i);
    expect(message).toMatch(/password in REDIS_URL/);
    expect(message).not.toContain('wrong-secret');
    expect(message).not.toContain('Connection is closed');
  });

  it('no password at all is named the same way', async () => {
    const error = await createRedisRateLimitStore(`redis://127.0.0.1:${port}/0`, { connectTimeoutMs: 3000 }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/refused to authenticate \(NOAUTH/);
  });

  it('the right password connects', async () => {
    const shared = await createRedisRateLimitStore(`redis://:right-secret@127.0.0.1:${port}/0`, {
      connectTimeoutMs: 3000,
    });
    expect(await shared.ping()).toBe(true);
    await shared.close();
  });
});
