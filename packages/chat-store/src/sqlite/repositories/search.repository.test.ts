import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { openChatStore } from '../../index.js';
import { rankTerms } from '../../search/index.js';
import { SqlRunner } from '../connection/index.js';
import { narrowQuery, SEARCH_STATEMENTS, searchSync, termSamples } from './search.repository.js';

/** `EXPLAIN QUERY PLAN` of `statement`, one `detail` per step, in the order SQLite runs them. */
function plan(raw: Database.Database, statement: string): string[] {
  const params = { match: '"lantern"', user: 'u', from: 0, to: 1e9, window: 1000, term: '"lantern"', seqs: '[1]' };
  const used = Object.fromEntries(Object.entries(params).filter(([k]) => statement.includes(`@${k}`)));
  return (raw.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(used) as { detail: string }[]).map((r) => r.detail);
}

function expectIndexFirst(steps: string[]): void {
  // The full-text index drives the statement; the other tables are looked up by key for each match.
  expect(steps[0]).toMatch(/^SCAN f VIRTUAL TABLE INDEX/);
  expect(steps.join('\n')).not.toMatch(/chat_sessions_user_list_idx|SCAN m|SCAN s/);
}

function expectKeyLookups(steps: string[]): void {
  // The page's rows by rowid: messages and chats by primary key, never a walk over a user's chats.
  expect(steps[0]).toMatch(/^SCAN j VIRTUAL TABLE/);
  expect(steps.join('\n')).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
  expect(steps.join('\n')).not.toMatch(/chat_sessions_user_list_idx|SCAN m|SCAN s/);
}

describe('search plan', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore({ readPool: 0, optimizeIntervalMs: 0 });
    // Many chats with few messages each, the shape that made the planner start from the user's chats.
    for (let i = 0; i < 60; i++) {
      const s = await t.store.sessions.create('u', { title: `chat ${i}` });
      await t.store.messages.append('u', s.id, {
        role: 'user',
        content: i % 3 ? 'a lantern by the door' : 'nothing here',
      });
    }
  });
  afterEach(() => t.cleanup());

  it('starts every search statement from the full-text index on a database that was never analyzed', () => {
    const raw = new Database(t.path);
    try {
      raw.exec('DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4');
      expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'sqlite_stat%'").get()).toEqual({
        n: 0,
      });
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.WINDOW_ROWS));
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.WINDOW_ROWS_ASCENDING));
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.SOLE_USER_WINDOW_ROWS));
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.SOLE_USER_WINDOW_ROWS_ASCENDING));
      expectKeyLookups(plan(raw, SEARCH_STATEMENTS.PAGE_ROWS));
      expect(plan(raw, SEARCH_STATEMENTS.TERM_SAMPLE).join('\n')).toMatch(/SCAN messages_fts VIRTUAL TABLE/);
      // Two seeks in the user index, never a walk over the chats.
      const others = plan(raw, SEARCH_STATEMENTS.OTHER_USERS).join('\n');
      expect(others).toMatch(/SEARCH chat_sessions USING COVERING INDEX chat_sessions_user_list_idx \(user_id<\?\)/);
      expect(others).toMatch(/SEARCH chat_sessions USING COVERING INDEX chat_sessions_user_list_idx \(user_id>\?\)/);
      expect(others).not.toMatch(/SCAN chat_sessions/);
    } finally {
      raw.close();
    }
  });

  it('keeps that order when statistics say a user has almost no chats', () => {
    const raw = new Database(t.path);
    try {
      raw.exec('ANALYZE');
      // Misleading statistics: 10 million messages, and every user with a single chat.
      raw.exec(`DELETE FROM sqlite_stat1 WHERE tbl IN ('chat_sessions', 'chat_messages');
        INSERT INTO sqlite_stat1 VALUES ('chat_sessions', 'chat_sessions_user_list_idx', '1000000 1 1 1 1');
        INSERT INTO sqlite_stat1 VALUES ('chat_messages', 'chat_messages_session_seq_idx', '10000000 10 1');`);
      raw.exec('ANALYZE sqlite_schema');
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.WINDOW_ROWS));
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.WINDOW_ROWS_ASCENDING));
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.SOLE_USER_WINDOW_ROWS));
      expectIndexFirst(plan(raw, SEARCH_STATEMENTS.SOLE_USER_WINDOW_ROWS_ASCENDING));
      expectKeyLookups(plan(raw, SEARCH_STATEMENTS.PAGE_ROWS));
    } finally {
      raw.close();
    }
  });

  it('finds the same hits whatever the statistics', async () => {
    const before = (await t.store.search('u', 'lantern', { limit: 100 })).items.map((h) => h.message_id);
    expect(before).toHaveLength(40);
    const raw = new Database(t.path);
    raw.exec('ANALYZE');
    raw.close();
    const after = (await t.store.search('u', 'lantern', { limit: 100 })).items.map((h) => h.message_id);
    expect(after.sort()).toEqual(before.sort());
  });
});

describe('PRAGMA optimize', () => {
  it('runs at open, so a store opened on an unanalyzed database has statistics without maintenance', async () => {
    const t = await openTempStore({ readPool: 0 });
    try {
      const s = await t.store.sessions.create('u');
      for (let i = 0; i < 300; i++) await t.store.messages.append('u', s.id, { role: 'user', content: `message ${i}` });
      await t.store.close();
      // Unanalyzed, as a user's database is until they run maintenance.
      const rw = new Database(t.path);
      rw.exec('DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4');
      rw.close();
      const again = await openChatStore({ path: t.path, readPool: 0, optimizeIntervalMs: 0 });
      try {
        const look = new Database(t.path, { readonly: true });
        const tables = look.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get();
        const rows =
          tables === 1 ? look.prepare("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'chat_messages'").pluck().all() : [];
        look.close();
        expect(rows).toContain('chat_messages');
      } finally {
        await again.close();
      }
    } finally {
      await t.cleanup();
    }
  });
});

describe('prefix search', () => {
  it('finds what FTS5 own prefix query finds, when the prefix is read from the index b-tree', async () => {
    const t = await openTempStore({ readPool: 0, optimizeIntervalMs: 0 });
    try {
      const s = await t.store.sessions.create('u');
      const words = ['token', 'tokens', 'tokenizer', 'Tokenomics', 'toke', 'tök', 'prompt', 'promptly', 'zebra'];
      for (let i = 0; i < 120; i++) {
        const content = `${words[i % words.length]} and ${words[(i * 7) % words.length]} item${i % 13}`;
        await t.store.messages.append('u', s.id, { role: 'user', content });
      }
      const raw = new Database(t.path, { readonly: true });
      try {
        const native = raw.prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?').pluck();
        for (const [query, match] of [
          ['toke', '"toke"*'],
          ['TOKEN', '"token"*'],
          ['and prom', '"and" "prom"*'],
          ['item1', '"item1"*'],
          ['zebr', '"zebr"*'],
          ['nothing', '"nothing"*'],
        ] as const) {
          const hits = (await t.store.search('u', query, { limit: 100 })).items;
          expect({ query, n: hits.length }).toEqual({ query, n: native.get(match) });
        }
      } finally {
        raw.close();
      }
    } finally {
      await t.cleanup();
    }
  });
});

describe('words rarely found together', () => {
  /** Every hit of `query`, page after page. */
  async function all(t: TempStore, query: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.store.search('u', query, { limit: 7, cursor });
      ids.push(...page.items.map((h) => h.message_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return ids;
  }

  it('ranks the same window whether all matches fit it (read oldest first) or not (read again newest first)', async () => {
    const t = await openTempStore({ readPool: 0, optimizeIntervalMs: 0, searchWindow: 35 });
    try {
      const s = await t.store.sessions.create('u');
      const both: string[] = [];
      // 400 messages; "amber", "birch" and "and" each in 40 of them, always together: 0.4 expected if independent.
      for (let i = 0; i < 400; i++) {
        const together = i % 10 === 0;
        const m = await t.store.messages.append('u', s.id, {
          role: 'user',
          content: together ? `amber and birch ${i}` : `filler text ${i}`,
        });
        if (together) both.push(m!.id);
      }
      // 40 matches, a window of 35: the estimate (4) was wrong, and the window is the newest 35 after all.
      const hits = await all(t, 'birch amber and');
      expect(hits).toHaveLength(35);
      expect(new Set(hits)).toEqual(new Set(both.slice(5)));
      // A narrower query whose matches fit the window: all of them.
      const some = await t.store.messages.append('u', s.id, { role: 'user', content: 'amber birch cedar' });
      expect(await all(t, 'amber cedar birch')).toEqual([some!.id]);
    } finally {
      await t.cleanup();
    }
  });
});

describe('common words checked in the candidates', () => {
  /** Every hit of `query`, page after page. */
  async function all(t: TempStore, query: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.store.search('u', query, { limit: 6, cursor });
      ids.push(...page.items.map((h) => h.message_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return ids;
  }

  /** The user's messages FTS5 itself finds for every word of `query`, newest first. */
  function fts5(path: string, match: string): string[] {
    const raw = new Database(path, { readonly: true });
    try {
      const statement = raw.prepare(
        'SELECT m.id FROM messages_fts f JOIN chat_messages m ON m.seq = f.rowid WHERE messages_fts MATCH ? ORDER BY f.rowid DESC',
      );
      return statement.pluck().all(match) as string[];
    } finally {
      raw.close();
    }
  }

  // The rows a tokenizer corner could tell apart: `_` separates words, diacritics fold, longer words do not count.
  const TRICKY = [
    'amber to birch a',
    'AMBER TO BIRCH A',
    'amber to_do birch (a)',
    'amber tó birch à la carte',
    'amber into birch a',
    'amber toe birch a',
    'amber to birch aa',
    'amber birch',
    'amber to birch naïve a',
    'amber to birch, café a',
    'amber éto birch a',
  ];

  for (const window of [1000, 4]) {
    it(`finds what FTS5 finds with every word (window ${window})`, async () => {
      const t = await openTempStore({ readPool: 0, optimizeIntervalMs: 0, searchWindow: window });
      try {
        const s = await t.store.sessions.create('u');
        // "to" and "a" in most messages, "amber" and "birch" in few: the query is narrowed to the rare words.
        for (let i = 0; i < 300; i++) {
          const content = i % 25 === 0 ? TRICKY[(i / 25) % TRICKY.length]! : `filler to a text ${i}`;
          await t.store.messages.append('u', s.id, { role: 'user', content });
        }
        for (const content of TRICKY) await t.store.messages.append('u', s.id, { role: 'user', content });
        const raw = new Database(t.path, { readonly: true });
        try {
          const sql = new SqlRunner(raw);
          const terms = rankTerms('amber to birch a');
          const to = raw.prepare('SELECT max(seq) FROM chat_messages').pluck().get() as number;
          const narrowed = narrowQuery('amber to birch a', terms, termSamples(sql, terms), to, window, () => undefined);
          expect(narrowed?.match).toBe('"amber" "birch"');
        } finally {
          raw.close();
        }
        const expected = fts5(t.path, '"amber" "to" "birch" "a"');
        expect(expected.length).toBeGreaterThan(window === 4 ? 4 : 10);
        const hits = await all(t, 'amber to birch a');
        expect(new Set(hits)).toEqual(new Set(expected.slice(0, window)));
      } finally {
        await t.cleanup();
      }
    });
  }
});

describe('the owner check of the window', () => {
  /** The window statements `searchSync` runs for `query`, and its page. */
  function traced(path: string, user: string, query: string): { windows: string[]; hits: string[] } {
    const raw = new Database(path, { readonly: true });
    try {
      const sql = new SqlRunner(raw);
      const windows: string[] = [];
      sql.slowStatementMs = 0;
      sql.onSlowStatement = (text) => {
        if (text.includes('MATCH @match')) windows.push(text);
      };
      const hits = searchSync(sql, 1000, user, query, { limit: 100 }).items.map((h) => h.message_id);
      return { windows, hits };
    } finally {
      raw.close();
    }
  }

  it("leaves out the chats' owner when the user is the only one, and checks it once another user has a chat", async () => {
    const t = await openTempStore({ readPool: 0, optimizeIntervalMs: 0 });
    try {
      const mine = await t.store.sessions.create('u');
      for (let i = 0; i < 30; i++)
        await t.store.messages.append('u', mine.id, { role: 'user', content: `lantern note ${i}` });
      const alone = traced(t.path, 'u', 'lantern');
      expect(alone.hits).toHaveLength(30);
      expect(alone.windows.length).toBeGreaterThan(0);
      for (const w of alone.windows) expect(w).not.toMatch(/chat_sessions/);
      // A user without chats of their own finds nothing, and is never the only one.
      expect(traced(t.path, 'v', 'lantern').hits).toEqual([]);

      const theirs = await t.store.sessions.create('v');
      await t.store.messages.append('v', theirs.id, { role: 'user', content: 'lantern of another user' });
      const shared = traced(t.path, 'u', 'lantern');
      expect(shared.hits).toEqual(alone.hits);
      for (const w of shared.windows) expect(w).toMatch(/s\.user_id = @user/);
      expect(traced(t.path, 'v', 'lantern').hits).toHaveLength(1);
      // Users sorting before and after: both sides of the index are checked.
      expect(traced(t.path, 'a', 'lantern').hits).toEqual([]);
      expect(traced(t.path, 'z', 'lantern').hits).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});

describe('a common prefix checked in the candidates', () => {
  // Rows that tell a token start from a substring: `_` separates, diacritics fold, a word inside another does not count.
  const TRICKY = [
    'amber to birch prompt',
    'amber to birch prompts',
    'amber to birch x_prompting',
    'amber to birch reprompt',
    'amber to birch promp',
    'amber to birch PROMPTÉ',
    'amber birch prompt',
    'amber to birch prompt2',
  ];

  it('finds what FTS5 finds with every word, the last one as a prefix', async () => {
    const t = await openTempStore({ readPool: 0, optimizeIntervalMs: 0 });
    try {
      const s = await t.store.sessions.create('u');
      // "to" and words starting "prompt" in most messages, "amber" and "birch" in few.
      for (let i = 0; i < 300; i++) {
        const content = i % 25 === 0 ? TRICKY[(i / 25) % TRICKY.length]! : `filler to prompting text ${i}`;
        await t.store.messages.append('u', s.id, { role: 'user', content });
      }
      for (const content of TRICKY) await t.store.messages.append('u', s.id, { role: 'user', content });
      const raw = new Database(t.path, { readonly: true });
      try {
        const sql = new SqlRunner(raw);
        const query = 'amber to birch prompt';
        const terms = rankTerms(query);
        expect(terms.at(-1)?.prefix).toBe(true);
        const to = raw.prepare('SELECT max(seq) FROM chat_messages').pluck().get() as number;
        const sample = raw.prepare(
          'SELECT count(*) AS count, min(rowid) AS oldest FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 256)',
        );
        const expand = () => ['prompt', 'prompte', 'prompting', 'prompts'];
        const samples = termSamples(sql, terms);
        // Without sampling the prefix it stays in the MATCH expression; sampled, it is checked in the text.
        expect(narrowQuery(query, terms, samples, to, 1000, expand)?.match).toBe(
          '"amber" "birch" AND ("prompt" OR "prompte" OR "prompting" OR "prompts")',
        );
        const narrowed = narrowQuery(query, terms, samples, to, 1000, expand, (m) => sample.get(m) as never);
        expect(narrowed?.match).toBe('"amber" "birch"');
        expect(narrowed?.checks).toHaveLength(2);
      } finally {
        raw.close();
      }
      const raw2 = new Database(t.path, { readonly: true });
      try {
        const expected = raw2
          .prepare(
            'SELECT m.id FROM messages_fts f JOIN chat_messages m ON m.seq = f.rowid WHERE messages_fts MATCH ? ORDER BY f.rowid DESC',
          )
          .pluck()
          .all('"amber" "to" "birch" "prompt"*') as string[];
        expect(expected.length).toBeGreaterThan(8);
        const hits = (await t.store.search('u', 'amber to birch prompt', { limit: 100 })).items.map(
          (h) => h.message_id,
        );
        expect(new Set(hits)).toEqual(new Set(expected));
      } finally {
        raw2.close();
      }
    } finally {
      await t.cleanup();
    }
  });
});
