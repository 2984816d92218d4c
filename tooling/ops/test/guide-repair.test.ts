/**
 * Issue #19.1: what the troubleshooting guide's SQL does to the database, and how `pnpm health` and
 * `pnpm maintenance` find and repair it, against a running server.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore } from '@chat-studio/chat-store';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import type { HealthReport } from '../src/health/index.js';
import type { MaintenanceReport } from '../src/maintenance/index.js';
import { opsEnv, runCli, USER_ID } from './helpers.js';

/** Guide lines 357–359, verbatim. */
const GUIDE_REBUILD_SQL = `DROP TABLE IF EXISTS messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(content, session_id);
INSERT INTO messages_fts SELECT content, session_id FROM chat_messages;`;
/** Guide line 329, verbatim. */
const GUIDE_CLEANUP_SQL = `DELETE FROM chat_sessions WHERE title IS NULL OR title = '';`;

/** As the `sqlite3` shell runs it: its own connection, foreign keys off. */
function sqliteShell(file: string, statements: string): void {
  const raw = new Database(file);
  raw.pragma('foreign_keys = OFF');
  raw.exec(statements);
  raw.close();
}

describe("repairing what the guide's SQL breaks", () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir, { BACKUP_DIR: path.join(tmp.dir, 'backups') });
  let server: ApiServer;
  let keeperId: string;
  let gullsSessionId: string;

  beforeAll(async () => {
    const store = await openChatStore({ path: env.DATABASE_PATH! });
    // The deleted message lives in a chat of its own: deleting a message deletes everything under it in its chat.
    const early = await store.sessions.create(USER_ID, { title: 'Early' });
    const s = await store.sessions.create(USER_ID, { title: 'Harbour' });
    const first = await store.messages.append(USER_ID, early.id, { role: 'user', content: 'an early lighthouse note' });
    for (const text of ['tides', 'the lighthouse keeper sleeps'])
      await store.messages.append(USER_ID, s.id, { role: 'user', content: text });
    // A message to delete after the repair, in a chat of its own (its subtree goes with it).
    gullsSessionId = (await store.sessions.create(USER_ID, { title: 'Gulls' })).id;
    await store.messages.append(USER_ID, gullsSessionId, { role: 'user', content: 'gulls' });
    await store.messages.delete(USER_ID, first!.id);
    keeperId = (await store.search(USER_ID, 'keeper')).items[0]!.message_id;
    await store.close();
    server = await startApiServer({ ...env, MODELS_DIR: path.join(tmp.dir, 'no-models') });
  });
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  const search = async (q: string) =>
    (
      (await (await fetch(`${server.baseUrl}/api/chat/search?q=${encodeURIComponent(q)}`)).json()) as {
        items: { message_id: string }[];
      }
    ).items.map((h) => h.message_id);

  it('the rebuild SQL: health and maintenance fail with the fix, --rebuild-fts repairs it while the server runs', async () => {
    sqliteShell(env.DATABASE_PATH!, GUIDE_REBUILD_SQL);
    const health = await runCli('health', ['--json', '--url', server.baseUrl], env);
    expect(health.code).toBe(1);
    const report = JSON.parse(health.stdout) as HealthReport;
    const index = report.checks.find((c) => c.name === 'search index')!;
    expect(index.status).toBe('fail');
    expect(index.detail).toContain('pnpm maintenance --rebuild-fts');

    const plain = await runCli('maintenance', ['--json'], env);
    expect(plain.code).toBe(1);
    const failed = (JSON.parse(plain.stdout) as MaintenanceReport).steps.find((s) => s.name === 'fts check')!;
    expect(failed).toMatchObject({ ok: false, detail: expect.stringContaining('pnpm maintenance --rebuild-fts') });

    // The server answers deletes with an SQL error until the index is ours again.
    const page = (await (await fetch(`${server.baseUrl}/api/chat/sessions/${gullsSessionId}/messages`)).json()) as {
      items: { id: string; content: string }[];
    };
    const gulls = page.items.find((m) => m.content === 'gulls')!;
    expect(
      (await fetch(`${server.baseUrl}/api/chat/sessions/${gullsSessionId}/messages/${gulls.id}`, { method: 'DELETE' }))
        .status,
    ).toBeGreaterThanOrEqual(500);

    const rebuilt = await runCli('maintenance', ['--rebuild-fts'], env);
    expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/^fts rebuild\s+ok/m);
    expect(await search('keeper')).toEqual([keeperId]);
    expect(
      (await fetch(`${server.baseUrl}/api/chat/sessions/${gullsSessionId}/messages/${gulls.id}`, { method: 'DELETE' }))
        .status,
    ).toBe(200);
    const after = JSON.parse((await runCli('health', ['--json', '--url', server.baseUrl], env)).stdout) as HealthReport;
    expect(after.checks.find((c) => c.name === 'search index')!.status).toBe('pass');
  });

  it('the empty-session cleanup with foreign keys off: maintenance names the fix, --fix backs up and removes the orphans', async () => {
    const res = await fetch(`${server.baseUrl}/api/chat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"to empty"}',
    });
    const empty = (await res.json()) as { id: string };
    for (const content of ['orphan one', 'orphan two']) {
      await fetch(`${server.baseUrl}/api/chat/sessions/${empty.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'user', content }),
      });
    }
    sqliteShell(
      env.DATABASE_PATH!,
      `UPDATE chat_sessions SET title = '' WHERE id = '${empty.id}';\n${GUIDE_CLEANUP_SQL}`,
    );

    const plain = await runCli('maintenance', [], env);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/2 orphan row\(s\) in chat_messages — fix: pnpm maintenance --fix/);

    const fixed = await runCli('maintenance', ['--fix'], env);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(
      /^remove orphans\s+ok\s+\d+\s+removed 2 orphan row\(s\) \(chat_messages: 2\); backup first: /m,
    );
    expect(existsSync(env.BACKUP_DIR!) && readdirSync(env.BACKUP_DIR!).some((f) => f.endsWith('.db'))).toBe(true);
    expect(await search('orphan')).toEqual([]);
    expect(await search('keeper')).toEqual([keeperId]);
    expect((await runCli('maintenance', [], env)).code).toBe(0);
  });
});
