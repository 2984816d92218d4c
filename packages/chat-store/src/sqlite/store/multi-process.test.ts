import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/temp-store.js';
import { openChatStore } from '../../index.js';
import { STORE_MIGRATIONS } from '../migrations/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dist = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

type Report = {
  ok: boolean;
  tag: string;
  written?: number;
  ownSessionId?: string;
  code?: string | null;
  message?: string;
};

function runChild(script: string, args: string[]): Promise<{ report: Report | undefined; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(fixtures, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: Report | undefined;
    child.on('message', (m) => (report = m as Report));
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve({ report, exitCode }));
  });
}

describe('several processes on one database file', () => {
  const cleanups: (() => void)[] = [];
  beforeAll(() => {
    // The children import the built package, as another service would; turbo runs build before test.
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`pnpm build\` in packages/chat-store first`);
  });
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('writers in three processes at once: no SQLITE_BUSY, no lost row', async () => {
    const { dir, remove } = makeTempDir();
    cleanups.push(remove);
    const path = join(dir, 'shared.db');
    const store = await openChatStore({ path });
    const shared = await store.sessions.create('u', { title: 'shared' });

    const children = ['a', 'b'].map((tag) => runChild('concurrent-writer.mjs', [path, 'u', shared.id, '3000', tag]));
    // The parent writes too, through the same store API, while the children run.
    let parentWritten = 0;
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      const m = await store.messages.append('u', shared.id, {
        role: 'assistant',
        content: `parent message ${parentWritten} quokka`,
      });
      expect(m).toBeDefined();
      parentWritten++;
      if (parentWritten % 10 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const results = await Promise.all(children);
    for (const { report, exitCode } of results) {
      expect(report?.message ?? '').not.toMatch(/BUSY|locked/i);
      expect(report).toMatchObject({ ok: true });
      expect(exitCode).toBe(0);
    }
    const childWritten = results.map((r) => r.report!.written!);
    for (const n of childWritten) expect(n).toBeGreaterThan(50);
    const total = parentWritten + childWritten.reduce((a, b) => a + b, 0);

    expect((await store.maintenance.stats()).messages).toBe(total);
    for (const { report } of results) {
      const tag = report!.tag;
      const raw = new Database(path, { readonly: true });
      const n = raw
        .prepare('SELECT count(*) AS n FROM chat_messages WHERE content LIKE ?')
        .get(`writer ${tag} message %`) as { n: number };
      raw.close();
      expect(n.n).toBe(report!.written);
    }
    // Every row also reached the search index.
    const raw = new Database(path, { readonly: true });
    expect(
      (raw.prepare(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'quokka'`).get() as { n: number })
        .n,
    ).toBe(total);
    raw.close();
    expect((await store.maintenance.integrityCheck()).ok).toBe(true);
    await store.close();
  });

  it('processes racing to create and migrate a fresh file all succeed', async () => {
    const { dir, remove } = makeTempDir();
    cleanups.push(remove);
    const path = join(dir, 'fresh.db');
    const results = await Promise.all(['1', '2', '3'].map((tag) => runChild('open-and-append.mjs', [path, tag])));
    for (const { report, exitCode } of results) {
      expect(report).toMatchObject({ ok: true });
      expect(exitCode).toBe(0);
    }
    const store = await openChatStore({ path });
    expect(await store.maintenance.stats()).toMatchObject({ sessions: 3, messages: 3 });
    const raw = new Database(path, { readonly: true });
    expect((raw.prepare('SELECT count(*) AS n FROM kysely_migration').get() as { n: number }).n).toBe(
      STORE_MIGRATIONS.length,
    );
    raw.close();
    await store.close();
  });
});
