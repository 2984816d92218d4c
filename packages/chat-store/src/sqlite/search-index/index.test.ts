import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { SEARCH_INDEX_TRIGGERS } from './index.js';

/** The troubleshooting guide's "Rebuild Search Index", lines 357–359, verbatim. */
const GUIDE_REBUILD_SQL = `DROP TABLE IF EXISTS messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(content, session_id);
INSERT INTO messages_fts SELECT content, session_id FROM chat_messages;`;

/** The guide's empty-session cleanup (line 329), verbatim. */
const GUIDE_CLEANUP_SQL = `DELETE FROM chat_sessions WHERE title IS NULL OR title = '';`;

/** What the `sqlite3` shell does: a second connection with foreign keys off (its default). */
function shell(path: string, statements: string): void {
  const raw = new Database(path);
  raw.pragma('foreign_keys = OFF');
  raw.exec(statements);
  raw.close();
}

describe('search index that a manual edit can break', () => {
  let t: TempStore;
  let keptId: string;
  beforeEach(async () => {
    t = await openTempStore();
    // The deleted message lives in a chat of its own: deleting a message deletes everything under it in its chat.
    const early = await t.store.sessions.create('u', { title: 'Early' });
    const s = await t.store.sessions.create('u', { title: 'Harbour' });
    const gone = await t.store.messages.append('u', early.id, { role: 'user', content: 'the first lighthouse note' });
    for (const text of ['about gulls', 'about tides', 'about the lighthouse keeper'])
      await t.store.messages.append('u', s.id, { role: 'user', content: text });
    // An earlier deletion: the guide's INSERT … SELECT then numbers rows differently from our seq.
    await t.store.messages.delete('u', gone!.id);
    keptId = (await t.store.search('u', 'lighthouse')).items[0]!.message_id;
  });
  afterEach(() => t.cleanup());

  it('is ours on a fresh database, fully checked', async () => {
    expect(await t.store.maintenance.checkSearchIndex({ full: true })).toEqual({ ok: true, problems: [] });
  });

  it("flags the guide's rebuild SQL, and rebuildSearchIndex repairs it: search right, deletes and edits work", async () => {
    shell(t.path, GUIDE_REBUILD_SQL);
    const broken = await t.store.maintenance.checkSearchIndex();
    expect(broken.ok).toBe(false);
    expect(broken.problems.join(' ')).toMatch(/not Chat Studio's index/);
    // What the guide's SQL does to requests today: a delete is an SQL logic error.
    const page = await t.store.messages.list('u', (await t.store.sessions.list('u')).items[0]!.id, {});
    await expect(t.store.messages.delete('u', page!.items[0]!.id)).rejects.toThrow();

    await t.store.maintenance.rebuildSearchIndex();
    expect(await t.store.maintenance.checkSearchIndex({ full: true })).toEqual({ ok: true, problems: [] });
    const hits = (await t.store.search('u', 'lighthouse')).items;
    expect(hits.map((h) => h.message_id)).toEqual([keptId]);
    expect(hits[0]!.snippet).toMatch(/keeper/);
    const sessionId = (await t.store.sessions.list('u')).items[0]!.id;
    const messages = (await t.store.messages.list('u', sessionId, {}))!.items;
    await t.store.messages.update('u', messages[0]!.id, { content: 'about storms' });
    expect(await t.store.messages.delete('u', messages[1]!.id)).toBe(true);
    expect((await t.store.search('u', 'storms')).items.map((h) => h.message_id)).toEqual([messages[0]!.id]);
    expect(await t.store.maintenance.checkSearchIndex({ full: true })).toEqual({ ok: true, problems: [] });
  });

  it('flags a dropped trigger and an index out of step, and repairs both', async () => {
    shell(t.path, 'DROP TRIGGER chat_messages_fts_ai;');
    expect((await t.store.maintenance.checkSearchIndex()).problems.join(' ')).toMatch(
      /chat_messages_fts_ai is missing/,
    );
    await t.store.maintenance.rebuildSearchIndex();
    // A message written while the trigger was gone, the trigger then put back as it was: the index lacks it.
    shell(t.path, 'DROP TRIGGER chat_messages_fts_ai;');
    await t.store.messages.append('u', (await t.store.sessions.list('u')).items[0]!.id, {
      role: 'user',
      content: 'unindexed words',
    });
    shell(t.path, SEARCH_INDEX_TRIGGERS.chat_messages_fts_ai!);
    expect((await t.store.maintenance.checkSearchIndex()).problems.join(' ')).toMatch(/missing from the index/);
    await t.store.maintenance.rebuildSearchIndex();
    expect((await t.store.maintenance.checkSearchIndex({ full: true })).ok).toBe(true);
  });

  it("removes the orphans the guide's cleanup leaves with foreign keys off, and says how many", async () => {
    const empty = await t.store.sessions.create('u', { title: 'will be emptied' });
    for (const text of ['one', 'two', 'three'])
      await t.store.messages.append('u', empty.id, { role: 'user', content: text });
    shell(t.path, `UPDATE chat_sessions SET title = '' WHERE id = '${empty.id}';\n${GUIDE_CLEANUP_SQL}`);
    expect((await t.store.maintenance.foreignKeyCheck()).rows).toHaveLength(3);
    expect(await t.store.maintenance.removeOrphans()).toEqual({ removed: 3, byTable: { chat_messages: 3 } });
    expect(await t.store.maintenance.foreignKeyCheck()).toEqual({ ok: true, rows: [] });
    expect((await t.store.search('u', 'three')).items).toEqual([]);
    expect((await t.store.maintenance.checkSearchIndex({ full: true })).ok).toBe(true);
  });
});
