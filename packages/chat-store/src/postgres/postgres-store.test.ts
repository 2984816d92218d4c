import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adminQuery,
  createScratchDatabase,
  postgresUnavailable,
  type ScratchDatabase,
} from '@chat-studio/test-support';
import { openTempPostgresStore } from '../../test/postgres-db.js';
import { describeStoreSuite } from '../../test/store-suite.js';
import { makeTempDir } from '../../test/temp-store.js';
import { ChatStoreError, MigrationError, openChatStore, POSTGRES_MIGRATIONS, type ChatStore } from '../index.js';

const run = promisify(execFile);
const skip = postgresUnavailable();

/** pg_restore beside the pg_dump the store uses (Debian keeps both in /usr/lib/postgresql/<v>/bin and on PATH). */
function pgRestore(): string {
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && existsSync(join(dir, 'pg_restore'))) return join(dir, 'pg_restore');
  return '/usr/lib/postgresql/15/bin/pg_restore';
}

describe.skipIf(skip !== undefined)('postgres', () => {
  describeStoreSuite('postgres', {
    open: (options) => openTempPostgresStore(options),
    async backupAndOpenCopy(store) {
      const { dir, remove } = makeTempDir();
      const file = join(dir, 'backups', 'copy.dump');
      await store.maintenance.backup(file);
      const db = await createScratchDatabase({ prefix: 'chat_store_restore' });
      await run(pgRestore(), ['--no-owner', '--exit-on-error', `--dbname=${db.url}`, file]);
      const copy = await openChatStore({ url: db.url });
      return {
        store: copy,
        async cleanup() {
          await copy.close();
          await db.drop();
          remove();
        },
      };
    },
  });

  describe('postgres back end', () => {
    const cleanups: (() => Promise<void>)[] = [];
    const database = async () => {
      const db = await createScratchDatabase({ prefix: 'chat_store_test' });
      cleanups.push(db.drop);
      return db;
    };
    const open = async (options: Parameters<typeof openChatStore>[0]) => {
      const store = await openChatStore(options);
      cleanups.unshift(() => store.close());
      return store;
    };
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });

    it('stores opening a fresh database at once migrate it exactly once', async () => {
      const db = await database();
      const stores = await Promise.all([1, 2, 3, 4].map(() => open({ url: db.url, poolSize: 2 })));
      const rows = await adminQuery<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name', [], db.name);
      expect(rows.map((r) => r.name)).toEqual([...POSTGRES_MIGRATIONS]);
      // Every store works on the shared schema, and sees what the others wrote.
      const s = await stores[0]!.sessions.create('u', { title: 'shared' });
      await Promise.all(
        stores.map((st, i) => st.messages.append('u', s.id, { role: 'user', content: `from store ${i}` })),
      );
      expect((await stores[3]!.messages.list('u', s.id))!.items).toHaveLength(4);
      const again = await open({ url: db.url });
      expect((await again.sessions.get('u', s.id))?.title).toBe('shared');
    });

    it('keeps the search vector in a generated column with a GIN index', async () => {
      const db = await database();
      await open({ url: db.url });
      const indexes = await adminQuery<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename = 'chat_messages'`,
        [],
        db.name,
      );
      expect(indexes.map((i) => i.indexdef).join('\n')).toMatch(/USING gin \(content_tsv\)/);
      const columns = await adminQuery<{ column_name: string; is_generated: string }>(
        `SELECT column_name, is_generated FROM information_schema.columns WHERE table_name = 'chat_messages' AND column_name IN ('content_tsv', 'timestamp') ORDER BY 1`,
        [],
        db.name,
      );
      expect(columns).toEqual([
        { column_name: 'content_tsv', is_generated: 'ALWAYS' },
        { column_name: 'timestamp', is_generated: 'ALWAYS' },
      ]);
    });

    it('runs the troubleshooting guide SQL', async () => {
      const db = await database();
      const store = await open({ url: db.url });
      const s = await store.sessions.create('alice', { title: 'Guide' });
      for (let i = 0; i < 7; i++) await store.messages.append('alice', s.id, { role: 'user', content: `message ${i}` });
      const latest = await adminQuery<{ timestamp: string; created_at: string }>(
        'SELECT * FROM chat_messages ORDER BY timestamp DESC LIMIT 5',
        [],
        db.name,
      );
      expect(latest).toHaveLength(5);
      for (const row of latest) expect(row.timestamp).toBe(row.created_at);
      expect(await adminQuery('SELECT user_id FROM chat_sessions WHERE id = $1', [s.id], db.name)).toEqual([
        { user_id: 'alice' },
      ]);
      expect(await adminQuery('SELECT COUNT(*)::int AS n FROM chat_messages', [], db.name)).toEqual([{ n: 7 }]);
    });

    it('opens read-only: reads work, writes are refused, an unmigrated database is refused', async () => {
      const db = await database();
      const rw = await open({ url: db.url });
      const s = await rw.sessions.create('u');
      const ro = await open({ url: db.url, readonly: true });
      expect((await ro.sessions.get('u', s.id))?.id).toBe(s.id);
      await expect(ro.sessions.create('u')).rejects.toThrow(/read-only/);
      const empty = await database();
      await expect(openChatStore({ url: empty.url, readonly: true })).rejects.toBeInstanceOf(MigrationError);
    });

    it('checks btree indexes with amcheck once a superuser installed it, and never installs it itself', async () => {
      const db = await database();
      const store = await open({ url: db.url });
      // Even as a superuser the check runs no DDL: it says how to install the extension instead.
      expect(await store.maintenance.integrityCheck()).toEqual({
        ok: true,
        messages: [
          expect.stringMatching(/^amcheck not installed.*CREATE EXTENSION IF NOT EXISTS amcheck; GRANT EXECUTE/),
        ],
      });
      expect(await adminQuery(`SELECT extname FROM pg_extension WHERE extname = 'amcheck'`, [], db.name)).toHaveLength(
        0,
      );
      await adminQuery('CREATE EXTENSION amcheck', [], db.name);
      expect(await store.maintenance.integrityCheck()).toEqual({ ok: true, messages: ['ok'] });
    });

    it('foreign key check reports orphans loaded with triggers off', async () => {
      const db = await database();
      const store = await open({ url: db.url });
      // session_replication_role = replica skips FK triggers, as a bulk load might; one session, so one query text.
      await adminQuery(
        `SET session_replication_role = replica;
         INSERT INTO chat_messages (id, session_id, role, content, created_at) VALUES ('orphan', 'nope', 'user', 'x', 1);
         INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) VALUES ('k', 'ghost', 'n', 'p', 'h', 1);`,
        [],
        db.name,
      );
      const check = await store.maintenance.foreignKeyCheck();
      expect(check.ok).toBe(false);
      expect(check.rows).toEqual([
        { table: 'chat_messages', rowid: expect.any(Number), parent: 'chat_sessions', fkid: 0 },
        { table: 'api_keys', rowid: null, parent: 'users', fkid: 0 },
      ]);
    });

    it('chooses the url over a path, reads no DATABASE_URL itself, and masks the password', async () => {
      const db = await database();
      const { dir, remove } = makeTempDir();
      const saved = { url: process.env.DATABASE_URL, path: process.env.DATABASE_PATH };
      const withPassword = new URL(db.url);
      withPassword.password = 'not-needed-with-trust-auth';
      process.env.DATABASE_URL = withPassword.toString();
      process.env.DATABASE_PATH = join(dir, 'unused.db');
      let store: ChatStore | undefined;
      try {
        // The environment alone opens nothing on PostgreSQL: the app passes DATABASE_URL as `url`.
        const fromEnvOnly = await openChatStore({ path: ':memory:' });
        expect(fromEnvOnly.backend).toBe('sqlite');
        await fromEnvOnly.close();
        store = await openChatStore({ url: process.env.DATABASE_URL, path: process.env.DATABASE_PATH });
        expect(store.backend).toBe('postgres');
        expect(store.path).not.toContain('not-needed');
        expect(store.path).toContain(db.name);
        expect(existsSync(join(dir, 'unused.db'))).toBe(false);
        // An explicit path still means SQLite.
        const file = await openChatStore({ path: join(dir, 'explicit.db') });
        expect(file.backend).toBe('sqlite');
        await file.close();
      } finally {
        await store?.close();
        for (const [key, value] of [
          ['DATABASE_URL', saved.url],
          ['DATABASE_PATH', saved.path],
        ] as const) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
        remove();
      }
    });
  });
});

describe('database URL', () => {
  it('refuses a URL that is not postgres://', async () => {
    await expect(openChatStore({ url: 'mysql://u:secret@h/db' })).rejects.toBeInstanceOf(ChatStoreError);
    await expect(openChatStore({ url: 'mysql://u:secret@h/db' })).rejects.toThrow(/mysql:\/\/u:\*\*\*@h\/db/);
  });

  it('reports an unreachable server as an error, not a hang', async () => {
    // Port 1 on loopback refuses at once.
    await expect(openChatStore({ url: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

export type { ScratchDatabase };
