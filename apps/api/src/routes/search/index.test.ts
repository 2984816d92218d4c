import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_USER } from '@chat-studio/security';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';

const WORDS = 'lantern harbor ferry garlic basil orbit comet violin piano treaty archive'.split(' ');

describe('search under load (real server)', () => {
  const tmp = tempDir();
  const dbPath = path.join(tmp.dir, 'chat.db');
  let server: ApiServer;

  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: dbPath,
      MODELS_DIR: path.join(tmp.dir, 'no-models'),
      RATE_LIMIT_API: 'off',
    });
    // Straight into the file the server migrated (no HTTP before the test: an idle keep-alive socket could be closed
    // by the server while the seeding runs, and a reuse of it would fail the test for the wrong reason).
    const db = new Database(dbPath);
    db.pragma('busy_timeout = 5000');
    const id = 'load-session';
    db.prepare('INSERT INTO chat_sessions (id, user_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
      id,
      LOCAL_USER.id,
      'Load',
      Date.now(),
      Date.now(),
    );
    // Enough text that every search ranks a full window: "the" is in every message.
    const insert = db.prepare(
      `INSERT INTO chat_messages (id, session_id, role, content, created_at) VALUES (?, ?, 'user', ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        const words = Array.from({ length: 30 }, (_, j) => WORDS[(i * 7 + j * 13) % WORDS.length]);
        insert.run(`load-${String(i).padStart(6, '0')}`, id, `the ${words.join(' the ')}`, Date.now());
      }
    })();
    db.close();
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('answers /health while 50 searches are in flight, and every search succeeds', async () => {
    let searchesDone = 0;
    const searches = Array.from({ length: 50 }, (_, i) =>
      fetch(`${server.baseUrl}/api/chat/search?q=${encodeURIComponent(i % 2 ? 'the lantern' : 'the')}`).then(
        async (res) => {
          const body = (await res.json()) as { items: unknown[] };
          searchesDone++;
          return { status: res.status, hits: body.items.length };
        },
      ),
    );
    // With searches on the event loop, /health waited behind all of them; off the loop it answers in between.
    const health = await fetch(`${server.baseUrl}/health`);
    const doneAtHealth = searchesDone;
    // This server has no model, so /health says chat is down (503); what matters is that it answered at all.
    expect([200, 503]).toContain(health.status);
    expect(((await health.json()) as { status: string }).status).toMatch(/^(ok|degraded|down)$/);
    const results = await Promise.all(searches);
    expect(results.every((r) => r.status === 200 && r.hits === 20)).toBe(true);
    expect(doneAtHealth).toBeLessThan(50);
  }, 120_000);
});
