/** Issue #19.3: the log files the guide reads, and a debug log that carries what a person debugging needs. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatSession } from '@chat-studio/protocol';
import { waitFor } from '@chat-studio/test-support';
import { useDebugModelServer } from './debug-model-server.js';
import { post, logLines as lines } from './model-requests.js';

describe('logs where the guide looks, with LOG_LEVEL=debug', () => {
  const { api, logsDir } = useDebugModelServer({ LOG_SLOW_SQL_MS: '0' });

  it('writes logs/backend.log and logs/debug.log; debug has route, user, sizes, settings, seed, KV reuse, SQL; text only there', async () => {
    const session = (await (await api('/api/chat/sessions', post({}))).json()) as ChatSession;
    const secretText = 'Once upon a time a zebra';
    for (const message of [secretText, 'and then']) {
      const res = await api('/api/chat/send', post({ session_id: session.id, message, max_tokens: 6, seed: 42 }));
      expect(res.status).toBe(200);
    }
    // The files of this instance (logs/<instance>/), linked where the guide looks.
    expect(readdirSync(logsDir)).toEqual(expect.arrayContaining(['backend.log', 'debug.log']));
    const debug = await waitFor(
      () => {
        const all = lines(path.join(logsDir, 'debug.log'));
        return all.filter((l) => l.msg === 'chat turn generated').length >= 2 ? all : false;
      },
      20_000,
      'two chat turn lines',
    );
    const turns = debug.filter((l) => l.msg === 'chat turn generated');
    expect(turns[0]).toMatchObject({
      level: 'debug',
      seed: 42,
      params: { max_tokens: 6, seed: 42 },
      content: secretText,
    });
    expect(typeof turns[1]!.evaluated_tokens).toBe('number');
    expect(turns[1]).toHaveProperty('kv_cache_reused_tokens');
    expect(turns[1]).toHaveProperty('queue_wait_ms');
    const detail = debug.find((l) => l.msg === 'POST /api/chat/send detail')!;
    expect(detail).toMatchObject({ user: { name: expect.any(String) }, body_bytes: expect.any(Number) });
    expect(
      debug.some((l) => l.msg === 'slow SQL statement' && typeof l.sql === 'string' && typeof l.ms === 'number'),
    ).toBe(true);

    const backend = readFileSync(path.join(logsDir, 'backend.log'), 'utf8');
    expect(backend).not.toContain('zebra');
    expect(backend).not.toContain('"level":"debug"');
  });
});
