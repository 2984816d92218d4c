import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { SqlRunner } from '../connection/sql-runner.js';

// Engine-neutral behaviour is in test/store-suite.ts; these look at SQLite's own structures.
describe('SQLite internals', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
  });
  afterEach(() => t.cleanup());

  it('cascades a session delete into the FTS5 index itself', async () => {
    const s = await t.store.sessions.create('u');
    const keep = await t.store.sessions.create('u');
    await t.store.messages.append('u', s.id, { role: 'user', content: 'pineapple smoothie' });
    await t.store.messages.append('u', keep.id, { role: 'user', content: 'pineapple pizza' });
    await t.store.sessions.delete('u', s.id);
    const raw = t.store.db;
    const count = async (q: string) => Number((await sql<{ n: number }>`${sql.raw(q)}`.execute(raw)).rows[0]!.n);
    expect(await count('SELECT count(*) AS n FROM chat_messages')).toBe(1);
    // The external-content index must have dropped the deleted row's terms.
    expect(await count(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'smoothie'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'pineapple'`)).toBe(1);
    expect((await t.store.maintenance.integrityCheck()).ok).toBe(true);
    await sql`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`.execute(raw);
  });

  it('names the CHECK constraint that refused a row', async () => {
    const s = await t.store.sessions.create('u');
    await expect(
      t.store.messages.append('u', s.id, { role: 'user', content: 'x', status: 'weird' as 'complete' }),
    ).rejects.toThrow(/CHECK constraint/);
    const raw = new Database(t.path, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM chat_messages').get()).toEqual({ n: 0 });
    raw.close();
  });
  it('lists sessions (read as row arrays) with every field exactly as get returns them, on every page', async () => {
    const a = await t.store.sessions.create('u', { title: 'first', settings: { temperature: 0.5 } });
    await t.store.messages.append('u', a.id, { role: 'user', content: 'hello' });
    await t.store.messages.append('u', a.id, { role: 'assistant', content: 'hi' });
    const b = await t.store.sessions.create('u', { title: 'second' });
    await t.store.sessions.update('u', b.id, { pinned: true });
    await t.store.sessions.create('u', { title: 'third' });
    await t.store.sessions.create('other', { title: 'not mine' });
    const first = await t.store.sessions.list('u', { limit: 2 });
    const second = await t.store.sessions.list('u', { limit: 2, cursor: first.next_cursor! });
    const listed = [...first.items, ...second.items];
    expect(second.next_cursor).toBeNull();
    expect(listed.map((s) => s.title)).toEqual(['third', 'second', 'first']);
    for (const session of listed) expect(session).toEqual(await t.store.sessions.get('u', session.id));
    expect(listed.find((s) => s.id === a.id)).toMatchObject({ message_count: 2, settings: { temperature: 0.5 } });
    expect((await t.store.sessions.list('u', { pinned: true })).items.map((s) => s.id)).toEqual([b.id]);
  });

  it('allArrays reads rows as arrays and leaves the cached statement answering objects', () => {
    const runner = new SqlRunner(new Database(':memory:'));
    runner.raw.exec("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y')");
    const query = 'SELECT a, b FROM t WHERE a >= ? ORDER BY a';
    expect(runner.allArrays(query, [1])).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
    expect(runner.all(query, [2])).toEqual([{ a: 2, b: 'y' }]);
    expect(() => runner.allArrays('SELECT a FROM missing_table', [])).toThrow(/no such table/);
    runner.raw.close();
  });
});
