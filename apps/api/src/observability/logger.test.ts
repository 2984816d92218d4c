import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { tempDir } from '@chat-studio/test-support';
import { requestId } from '../middleware/request-id/index.js';
import { createLogger, requestLogger, REDACTED } from './index.js';
import { accessLogger } from './logger.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function logsDir() {
  const t = tempDir('cs-logs-');
  cleanups.push(t.cleanup);
  return t.dir;
}

function lines(file: string) {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('writes JSON lines with level names to backend.log, redacting credentials and message text', async () => {
    const dir = logsDir();
    const logger = await createLogger({ logsDir: dir, stdout: false, level: 'info' });
    logger.info(
      {
        authorization: 'Bearer s3cr3t-token',
        user: { password: 'hunter2' },
        req: { headers: { cookie: 'sid=abc123' } },
      },
      'login',
    );
    logger.warn({ content: 'my private message', session_id: 's1' }, 'slow reply');
    logger.debug({ content: 'debug only' }, 'hidden at info');
    logger.flush();
    const files = readdirSync(dir);
    expect(files).toEqual(['backend.log']);
    const text = readFileSync(path.join(dir, 'backend.log'), 'utf8');
    for (const secret of ['s3cr3t-token', 'hunter2', 'sid=abc123', 'my private message', 'debug only'])
      expect(text).not.toContain(secret);
    const [login, slow] = lines(path.join(dir, 'backend.log'));
    expect(login).toMatchObject({ level: 'info', msg: 'login', authorization: REDACTED, user: { password: REDACTED } });
    expect(slow).toMatchObject({ level: 'warn', content: '[omitted]', session_id: 's1' });
  });

  it('adds debug.log with message text when LOG_LEVEL=debug, keeping it out of backend.log', async () => {
    const dir = logsDir();
    const logger = await createLogger({ stdout: false }, { LOG_LEVEL: 'debug', LOGS_DIR: dir });
    logger.debug({ content: 'visible at debug', token: 'tok-123' }, 'prompt');
    logger.info('started');
    logger.flush();
    expect(readdirSync(dir).sort()).toEqual(['backend.log', 'debug.log']);
    const debug = lines(path.join(dir, 'debug.log'));
    expect(debug[0]).toMatchObject({ level: 'debug', content: 'visible at debug', token: REDACTED });
    expect(lines(path.join(dir, 'backend.log')).map((l) => l.msg)).toEqual(['started']);
  });

  it('rolls backend.log by size and keeps a bounded number of files', async () => {
    const dir = logsDir();
    const logger = await createLogger({ logsDir: dir, stdout: false, maxSize: '2k', keep: 2 });
    for (let i = 0; i < 200; i++) {
      logger.info({ i }, 'x'.repeat(100));
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 100));
    // The live file keeps its name (the guide reads logs/backend.log); rolled ones are numbered, newest first.
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('backend.'))
        .sort(),
    ).toEqual(['backend.1.log', 'backend.2.log', 'backend.log']);
    const newest = lines(path.join(dir, 'backend.log')).at(-1)!;
    expect(newest.i).toBe(199);
    const rolled = lines(path.join(dir, 'backend.1.log'));
    expect(rolled.at(-1)!.i).toBeLessThan(lines(path.join(dir, 'backend.log'))[0]!.i as number);
  });

  it("writes the level in capitals too, so the guide's grep ERROR finds error lines", async () => {
    const dir = logsDir();
    const logger = await createLogger({ logsDir: dir, stdout: false });
    logger.error({ code: 'x' }, 'broken');
    logger.info('fine');
    const text = readFileSync(path.join(dir, 'backend.log'), 'utf8');
    expect(text.split('\n').filter((l) => l.includes('ERROR'))).toHaveLength(1);
  });

  it('rejects an unknown LOG_LEVEL', async () => {
    await expect(createLogger({ stdout: false }, { LOG_LEVEL: 'loud', LOGS_DIR: logsDir() })).rejects.toThrow(
      /LOG_LEVEL/,
    );
  });
});

describe('requestLogger', () => {
  it('logs one line per request with the request id, route pattern, status and duration, never the query', async () => {
    const dir = logsDir();
    const logger = await createLogger({ logsDir: dir, stdout: false });
    const app = new Hono<{ Variables: { requestId: string } }>();
    app.use(requestId());
    app.use(requestLogger(logger));
    app.get('/api/items/:id', (c) => c.json({ id: c.req.param('id') }));
    app.get('/api/boom', () => {
      throw new Error('kaput');
    });
    const res = await app.request('/api/items/42?token=abc123');
    await app.request('/api/boom');
    await app.request('/nowhere');
    logger.flush();
    const [ok, boom, missing] = lines(path.join(dir, 'backend.log'));
    expect(ok).toMatchObject({
      level: 'info',
      req_id: res.headers.get('x-request-id'),
      method: 'GET',
      route: '/api/items/:id',
      path: '/api/items/42',
      status: 200,
    });
    expect(typeof ok!.duration_ms).toBe('number');
    expect(JSON.stringify(ok)).not.toContain('abc123');
    expect(boom).toMatchObject({ level: 'error', status: 500, route: '/api/boom' });
    expect(missing).toMatchObject({ level: 'warn', status: 404 });
  });

  it('writes access lines through the same files and level as the logger, which still redacts', async () => {
    const dir = logsDir();
    const logger = await createLogger({ logsDir: dir, stdout: false });
    const access = accessLogger(logger);
    expect(access).not.toBe(logger);
    const app = new Hono<{ Variables: { requestId: string } }>();
    app.use(requestId());
    app.use(requestLogger(logger));
    app.get('/ok', (c) => c.text('ok'));
    await app.request('/ok');
    logger.info({ authorization: 'Bearer s3cr3t' }, 'between');
    // A level raised at run time silences access lines too.
    logger.level = 'warn';
    await app.request('/ok');
    logger.level = 'info';
    await app.request('/ok?again=1');
    logger.flush();
    const written = lines(path.join(dir, 'backend.log'));
    expect(written.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^GET \/ok 200/),
      'between',
      expect.stringMatching(/^GET \/ok 200/),
    ]);
    expect(written[0]).toMatchObject({ level: 'info', severity: 'INFO', pid: process.pid, status: 200, route: '/ok' });
    expect(written[1]).toMatchObject({ authorization: REDACTED });
    // A logger createLogger did not make (a child) logs its own access lines, redacting as before.
    const child = logger.child({ component: 'x' });
    expect(accessLogger(child)).toBe(child);
  });
});
