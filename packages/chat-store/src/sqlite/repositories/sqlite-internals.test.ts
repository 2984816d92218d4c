import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';

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
});
