/** The ops commands against PostgreSQL (DATABASE_URL): real server, real databases, real pg_dump/pg_restore. */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract } from 'tar';
import { openChatStore } from '@chat-studio/chat-store';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import type { BackupResult } from '../src/backup/index.js';
import type { HealthReport } from '../src/health/index.js';
import type { MaintenanceReport } from '../src/maintenance/index.js';
import { opsEnv, runCli, USER_ID, waitHealthy } from './helpers.js';
import {
  adminQuery,
  adminUrl,
  createTestRole,
  postgresUnavailable,
  snapshotPostgres,
  type TestDatabase,
  type TestRole,
} from './postgres-db.js';

const skip = postgresUnavailable();

/** `sessions` sessions of `messages` messages each, through the store as the server would write them. */
async function seedPostgres(url: string, sessions: number, messages: number): Promise<void> {
  const store = await openChatStore({ url });
  try {
    for (let s = 0; s < sessions; s++) {
      const session = await store.sessions.create(USER_ID, { title: `Session ${s}` });
      for (let m = 0; m < messages; m++) {
        const text = Array.from({ length: 30 }, (_, w) => `word${(s * 7 + m * 3 + w) % 97}`).join(' ');
        await store.messages.append(USER_ID, session.id, {
          role: m % 2 ? 'assistant' : 'user',
          content: `${m % 10 === 0 ? 'lighthouse ' : ''}${text}`,
        });
      }
    }
  } finally {
    await store.close();
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

describe.skipIf(skip !== undefined)('ops commands on PostgreSQL', () => {
  const tmp = tempDir('cs-ops-pg-');
  let role: TestRole;
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let server: ApiServer;
  const backups = path.join(tmp.dir, 'backups');
  const check = (report: HealthReport, name: string) => report.checks.find((c) => c.name === name);

  beforeAll(async () => {
    role = await createTestRole();
    db = await role.createDatabase();
    env = opsEnv(tmp.dir, { DATABASE_URL: db.url });
    await seedPostgres(db.url, 4, 20);
    server = await startApiServer(env);
    await waitHealthy(server.baseUrl);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await role?.drop();
    tmp.cleanup();
  });

  it('health passes: counts and amcheck through the store, named by host and database, no password', async () => {
    const run = await runCli('health', ['--json', '--url', server.baseUrl], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(role.password);
    const report = JSON.parse(run.stdout) as HealthReport;
    const label = `PostgreSQL ${new URL(db.url).host}/${db.name}`;
    expect(report.ok).toBe(true);
    expect(report.databasePath).toBe(label);
    expect(check(report, 'server')?.status).toBe('pass');
    expect(check(report, 'database')).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(label),
      data: { sessions: 4, messages: 80, backend: 'postgres' },
    });
    expect(check(report, 'integrity')).toMatchObject(
      db.amcheck ? { status: 'pass', detail: 'amcheck: ok' } : { status: 'warn' },
    );
    // The data folder exists locally (backups, pid file): its disk is checked; the database's own disk is the server's.
    expect(check(report, 'disk')?.detail).toContain('data folder');

    const text = await runCli('health', ['--url', server.baseUrl], {
      ...env,
      DATABASE_PATH: path.join(tmp.dir, 'nowhere', 'x.db'),
    });
    expect(text.code, text.stdout).toBe(0);
    expect(text.stdout).toContain(`database ${label}`);
    expect(text.stdout).toMatch(/^database\s+PASS\s+PostgreSQL .+: 4 sessions, 80 messages/m);
    expect(text.stdout).not.toMatch(/^disk\s/m);
    expect(text.stdout).not.toContain(role.password);
  });

  it('health fails on an unreachable PostgreSQL without printing the password', async () => {
    const down = new URL(db.url);
    down.port = '9';
    const run = await runCli('health', ['--json', '--url', server.baseUrl], { ...env, DATABASE_URL: down.toString() });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(role.password);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(check(report, 'database')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`Cannot open PostgreSQL 127.0.0.1:9/${db.name}`),
    });
  });

  it('maintenance keeps every row while the server runs, and reports the database size before and after', async () => {
    const store = await openChatStore({ url: db.url });
    const { items } = await store.sessions.list(USER_ID, { limit: 1 });
    await store.sessions.delete(USER_ID, items[0]!.id);
    await store.close();
    const before = await snapshotPostgres(db.name);
    expect(before.messages).toHaveLength(60);

    const run = await runCli('maintenance', ['--json'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as MaintenanceReport;
    expect(report.backend).toBe('postgres');
    expect(report.steps.map((s) => s.name)).toEqual(
      expect.arrayContaining(['integrity_check', 'foreign_key_check', 'search index optimize', 'VACUUM ANALYZE']),
    );
    expect(report.steps.every((s) => s.ok)).toBe(true);
    expect(report.before).toMatchObject({ stats: { sessions: 3, messages: 60 }, diskFreeBytes: null });
    expect(report.after).toMatchObject({ stats: { sessions: 3, messages: 60 }, diskFreeBytes: null });
    expect(report.after!.stats.fileSizeBytes).toBeGreaterThan(0);
    expect(await snapshotPostgres(db.name)).toEqual(before);

    const rebuild = await runCli('maintenance', ['--rebuild-fts'], env);
    expect(rebuild.code, rebuild.stdout + rebuild.stderr).toBe(0);
    expect(rebuild.stdout).toMatch(/^search index rebuild\s+ok/m);
    expect(rebuild.stdout).toMatch(/^before: database size \d.+, 3 sessions, 60 messages$/m);
    expect(rebuild.stdout).toMatch(/^after: {2}database size \d.+, 3 sessions, 60 messages$/m);
    expect(rebuild.stdout + rebuild.stderr).not.toContain(role.password);
    expect(await snapshotPostgres(db.name)).toEqual(before);
    const search = await fetch(`${server.baseUrl}/api/chat/search?q=lighthouse`);
    expect(search.status).toBe(200);
    expect(((await search.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('backs up with pg_dump while the server writes, rotates, and restores identical rows into a fresh database', async () => {
    const created = await fetch(`${server.baseUrl}/api/chat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'written by the server' }),
    });
    expect(created.status).toBe(201);
    const original = await snapshotPostgres(db.name);
    expect(original.sessions).toHaveLength(4);

    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runCli('backup', ['--json', '--keep', '2'], env);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as BackupResult;
      expect(result).toMatchObject({ sessions: 4, messages: 60, verified: true });
      files.push(result.file);
    }
    for (const f of files) expect(path.basename(f)).toMatch(/^chat_history-\d{4}-\d\d-\d\dT[\d-]+Z\.dump$/);
    expect(path.dirname(files[0]!)).toBe(backups);
    expect(
      readdirSync(backups)
        .filter((f) => f.startsWith('chat_history-'))
        .sort(),
    ).toEqual(
      files
        .slice(-2)
        .map((f) => path.basename(f))
        .sort(),
    );
    const dump = files.at(-1)!;

    const refused = await runCli('restore', [dump], { ...env, CHAT_STUDIO_URL: server.baseUrl });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refused: The server is running/);
    await server.stop();

    const fresh = await role.createDatabase('ops_restore');
    const restored = await runCli('restore', [dump], { ...env, DATABASE_URL: fresh.url });
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toContain(
      `Restored PostgreSQL ${new URL(fresh.url).host}/${fresh.name} (4 sessions, 60 messages)`,
    );
    expect(restored.stdout + restored.stderr).not.toContain(role.password);
    expect(await snapshotPostgres(fresh.name)).toEqual(original);

    // Over the live database after changes: the old rows come back, and the replaced data is kept as a dump.
    const store = await openChatStore({ url: db.url });
    const { items } = await store.sessions.list(USER_ID, {});
    for (const s of items.slice(0, 2)) await store.sessions.delete(USER_ID, s.id);
    await store.close();
    expect((await snapshotPostgres(db.name)).sessions).toHaveLength(2);
    const again = await runCli('restore', [dump], env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await snapshotPostgres(db.name)).toEqual(original);
    const copies = readdirSync(backups).filter((f) => f.startsWith(`before-restore-`));
    // One per restore that replaced data, named with its database: the fresh database had none to keep.
    expect(copies).toEqual([expect.stringMatching(new RegExp(`^before-restore-${db.name}-\\d{4}-[\\dT-]+Z\\.dump$`))]);
    expect(again.stdout).toContain(`kept as ${path.join(backups, copies[0]!)}`);
    expect(existsSync(path.join(backups, copies[0]!))).toBe(true);
  }, 180_000);

  it('refuses a file that is not a pg_dump archive and changes nothing', async () => {
    const before = await snapshotPostgres(db.name);
    const bogus = path.join(tmp.dir, 'bogus.dump');
    writeFileSync(bogus, 'not a dump at all'.repeat(100));
    const run = await runCli('restore', [bogus], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Refused: .*not a readable pg_dump archive/);
    const missing = await runCli('restore', [path.join(tmp.dir, 'nope.dump')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Backup file not found/);
    expect(await snapshotPostgres(db.name)).toEqual(before);
  });

  it('collect-logs reads schema and counts through the store and leaks no DATABASE_URL password', async () => {
    const logs = env.LOGS_DIR!;
    mkdirSync(logs, { recursive: true });
    writeFileSync(
      path.join(logs, 'backend.1.log'),
      `${[
        JSON.stringify({ level: 'error', msg: `connect failed for ${db.url}` }),
        JSON.stringify({ level: 'debug', msg: `PGPASSWORD=${role.password} pg_dump` }),
        'last line',
      ].join('\n')}\n`,
    );
    const out = path.join(tmp.dir, 'report');
    const run = await runCli('collect-logs', ['--out', out], env);
    expect(run.code, run.stderr).toBe(0);
    const x = path.join(tmp.dir, 'x');
    mkdirSync(x);
    await extract({ file: path.join(out, readdirSync(out)[0]!), cwd: x });
    const root = path.join(x, readdirSync(x)[0]!);
    const all = walk(root)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(all).not.toContain(role.password);

    const read = (f: string) => JSON.parse(readFileSync(path.join(root, f), 'utf8'));
    const config = read('config.json');
    expect(config.env.DATABASE_URL).toBe(db.url.replace(`:${role.password}@`, ':[redacted]@'));
    expect(config.paths.database).toBe(`PostgreSQL ${new URL(db.url).host}/${db.name}`);
    const database = read('database.json');
    expect(database).toMatchObject({
      backend: 'postgres',
      path: config.paths.database,
      stats: { sessions: 4, messages: 60 },
    });
    const names = database.schema.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['chat_sessions', 'chat_messages', 'chat_messages_content_tsv_idx']));
    expect(database.schema.find((e: { name: string }) => e.name === 'chat_messages').sql).toMatch(
      /^CREATE TABLE chat_messages \(.*content_tsv tsvector.*GENERATED ALWAYS/,
    );
  });

  it('health and maintenance without amcheck run no DDL, even as a superuser, and say how to install it', async () => {
    const bare = await role.createDatabase('ops_bare');
    await seedPostgres(bare.url, 1, 2);
    await adminQuery('DROP EXTENSION IF EXISTS amcheck', [], bare.name);
    // Every DDL statement in this database from now on lands in ddl_log (an event trigger sees CREATE EXTENSION too).
    await adminQuery(
      `CREATE TABLE ddl_log (tag text, at timestamptz DEFAULT now());
       GRANT INSERT ON ddl_log TO PUBLIC;
       CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ddl_log (tag) VALUES (tg_tag); END $$;
       CREATE EVENT TRIGGER log_ddl ON ddl_command_start EXECUTE FUNCTION log_ddl();`,
      [],
      bare.name,
    );
    for (const url of [bare.url, adminUrl(bare.name)]) {
      const warned = await runCli('health', ['--json'], { ...env, DATABASE_URL: url });
      const report = JSON.parse(warned.stdout) as HealthReport;
      expect(check(report, 'database')).toMatchObject({ status: 'pass', data: { sessions: 1, messages: 2 } });
      expect(check(report, 'integrity')).toMatchObject({
        status: 'warn',
        detail: expect.stringMatching(
          /^amcheck not installed.*CREATE EXTENSION IF NOT EXISTS amcheck; GRANT EXECUTE ON FUNCTION bt_index_check\(regclass, boolean\) TO /,
        ),
      });
    }
    expect(await adminQuery(`SELECT extname FROM pg_extension WHERE extname = 'amcheck'`, [], bare.name)).toHaveLength(
      0,
    );
    expect(await adminQuery('SELECT tag FROM ddl_log', [], bare.name)).toEqual([]);

    // Once a superuser has run the guide's one line, the same check really runs.
    await adminQuery(
      `CREATE EXTENSION IF NOT EXISTS amcheck; GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO ${role.user};`,
      [],
      bare.name,
    );
    const installed = await runCli('health', ['--json'], { ...env, DATABASE_URL: bare.url });
    expect(check(JSON.parse(installed.stdout) as HealthReport, 'integrity')).toMatchObject({
      status: 'pass',
      detail: 'amcheck: ok',
    });
    await adminQuery('DROP EVENT TRIGGER log_ddl', [], bare.name);
  });
});
