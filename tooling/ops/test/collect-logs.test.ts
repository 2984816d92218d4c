import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract } from 'tar';
import { tempDir } from '@chat-studio/test-support';
import { opsEnv, runCli, seedDatabase } from './helpers.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe('collect-logs command', () => {
  const tmp = tempDir();
  const secrets = {
    CHAT_STUDIO_API_KEY: 'cs_live_9f8e7d6c5b4a39281706',
    OPENAI_API_KEY: 'sk-proj-abcdefghijklmnopqrstuvwx',
    SESSION_SECRET: 'correct-horse-battery-staple',
    ADMIN_PASSWORD: 'Tr0ub4dor&3',
    GITHUB_TOKEN: 'ghp_fake0123456789token',
  };
  const env = opsEnv(tmp.dir, {
    ...secrets,
    // Secret values hidden under innocent names: an API key and a URL with a password.
    NOTE_FOR_ADMIN: 'fallback key cs_backup_0011223344556677',
    UPSTREAM_URL: 'https://deploy:pa55w0rd-in-url@example.com/models',
  });
  const out = path.join(tmp.dir, 'out');

  beforeAll(async () => {
    await seedDatabase(env.DATABASE_PATH!, 2, 5);
    mkdirSync(env.LOGS_DIR!, { recursive: true });
    const log = [
      ...Array.from({ length: 3000 }, (_, i) => JSON.stringify({ level: 'info', msg: `request ${i}` })),
      JSON.stringify({ level: 'error', msg: `upstream failed for ${env.UPSTREAM_URL}` }),
      `{"level":"warn","headers":{"authorization":"Bearer ${secrets.CHAT_STUDIO_API_KEY}"},"session":"${secrets.SESSION_SECRET}"}`,
      'last line',
    ].join('\n');
    writeFileSync(path.join(env.LOGS_DIR!, 'backend.1.log'), `${log}\n`);
    writeFileSync(path.join(env.LOGS_DIR!, 'debug.1.log'), `admin password is ${secrets.ADMIN_PASSWORD}\n`);
    // A second instance on the host logs in its own folder (logs/<instance>/).
    mkdirSync(path.join(env.LOGS_DIR!, 'blue'), { recursive: true });
    writeFileSync(path.join(env.LOGS_DIR!, 'blue', 'backend.1.log'), `{"msg":"blue instance"}\n`);
  });
  afterAll(() => tmp.cleanup());

  it('writes one archive with logs, versions, system, GPU, schema and config, and no configured secret', async () => {
    const run = await runCli('collect-logs', ['--out', out, '--lines', '100'], env);
    expect(run.code, run.stderr).toBe(0);
    const archives = readdirSync(out);
    expect(archives).toHaveLength(1);
    expect(archives[0]).toMatch(/^chat-studio-report-.+\.tar\.gz$/);

    const x = path.join(tmp.dir, 'x');
    mkdirSync(x);
    await extract({ file: path.join(out, archives[0]!), cwd: x });
    const [root] = readdirSync(x);
    const files = walk(path.join(x, root!))
      .map((f) => path.relative(path.join(x, root!), f))
      .sort();
    expect(files).toEqual(
      [
        'README.txt',
        'config.json',
        'database.json',
        'gpu.json',
        'logs/backend.1.log',
        'logs/blue/backend.1.log',
        'logs/debug.1.log',
        'server.json',
        'system.json',
        'versions.json',
      ].map((f) => f.split('/').join(path.sep)),
    );

    const all = walk(path.join(x, root!))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const value of [...Object.values(secrets), 'cs_backup_0011223344556677', 'pa55w0rd-in-url'])
      expect(all).not.toContain(value);

    const read = (f: string) => JSON.parse(readFileSync(path.join(x, root!, f), 'utf8'));
    const config = read('config.json');
    expect(config.env.OPENAI_API_KEY).toBe('[redacted]');
    expect(config.env.UPSTREAM_URL).toBe('https://deploy:[redacted]@example.com/models');
    expect(config.env.DATABASE_PATH).toBe(env.DATABASE_PATH);
    expect(read('versions.json')).toMatchObject({
      node: process.version,
      packages: { '@chat-studio/ops': expect.any(String) },
    });
    expect(read('versions.json').nodeLlamaCpp).toMatchObject({
      installed: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    const database = read('database.json');
    expect(database.stats).toMatchObject({ sessions: 2, messages: 10 });
    expect(database.schema.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(['chat_sessions', 'chat_messages', 'messages_fts']),
    );
    expect(read('system.json')).toHaveProperty('totalMemoryBytes');
    expect(read('gpu.json')).toHaveProperty('nvidiaSmi');
    expect(read('server.json').health.reachable).toBe(false);

    const backend = readFileSync(path.join(x, root!, 'logs', 'backend.1.log'), 'utf8')
      .trim()
      .split('\n');
    expect(backend).toHaveLength(100);
    expect(backend.at(-1)).toBe('last line');
  });
});
