import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlRunner } from '../connection/index.js';
import { LeafFormatError, leafTerms, leafTermsWithPrefix, prefixTerms, readVarint } from './index.js';

// Deterministic words: shared prefixes, words in nearly every row (doclists over many pages), rare ones, non-ASCII.
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}
const STEMS = ['token', 'tokens', 'tokenizer', 'tok', 'toke', 'prompt', 'prompts', 'promptly', 'the', 'them', 'then'];
function words(rand: () => number): string {
  const out: string[] = [];
  for (let i = 0; i < 12; i++) {
    const r = rand();
    if (r < 0.5) out.push(STEMS[Math.floor(rand() * STEMS.length)]!);
    else if (r < 0.9) out.push(`w${Math.floor(rand() * 3000).toString(36)}`);
    else out.push(['café', 'zürich', 'naïve', 'ölçü', '東京'][Math.floor(rand() * 5)]!);
  }
  return out.join(' ');
}

describe('prefixTerms', () => {
  const open: Database.Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });

  /** An index like the store's, with small pages so that doclists span many of them. */
  function index(setup: (db: Database.Database) => void): { db: Database.Database; sql: SqlRunner } {
    const db = new Database(':memory:');
    open.push(db);
    db.exec(`CREATE VIRTUAL TABLE messages_fts USING fts5(content, tokenize = 'unicode61 remove_diacritics 2')`);
    db.exec(`INSERT INTO messages_fts(messages_fts, rank) VALUES ('pgsz', 200)`);
    setup(db);
    db.exec(`CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, messages_fts, row)`);
    return { db, sql: new SqlRunner(db) };
  }

  function fill(db: Database.Database, batches: number, rows: number, seed = 7): void {
    const rand = rng(seed);
    const insert = db.prepare('INSERT INTO messages_fts(rowid, content) VALUES (?, ?)');
    let rowid = 1;
    for (let b = 0; b < batches; b++)
      db.transaction(() => {
        for (let i = 0; i < rows; i++) insert.run(rowid++, words(rand));
      })();
  }

  /** Every word of the index with `prefix`, from FTS5's own vocabulary table, and those of `got` that match rows. */
  function expectSameWords(db: Database.Database, got: string[] | undefined, prefix: string): void {
    const vocab = (db.prepare('SELECT term FROM temp.vocab').pluck().all() as string[]).filter((t) =>
      t.startsWith(prefix),
    );
    expect(got).toBeDefined();
    // A word whose rows were all deleted may still be listed until a merge drops it: it matches nothing.
    const live = got!.filter(
      (t) =>
        (db.prepare('SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?').pluck().get(`"${t}"`) as number) >
        0,
    );
    expect(live).toEqual([...vocab].sort());
  }

  const PREFIXES = [
    't',
    'to',
    'tok',
    'toke',
    'token',
    'tokeni',
    'tokenizer',
    'tokenizerx',
    'p',
    'prompt',
    'th',
    'w1',
    'w2z',
    'caf',
    'zur',
    'nai',
    'olc',
    'x',
    'zzz',
    '0',
  ];

  it('lists the same words as FTS5 on one merged segment', () => {
    const { db, sql } = index((d) => {
      fill(d, 1, 3000);
      d.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('optimize')`);
    });
    for (const p of PREFIXES) expectSameWords(db, prefixTerms(sql, p, { maxTerms: 10_000, maxPages: 10_000 }), p);
  });

  it('lists the same words across many segments, after deletes and half-done merges', () => {
    const { db, sql } = index((d) => {
      d.exec(`INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 0)`);
      fill(d, 12, 150, 11);
      const del = d.prepare(`DELETE FROM messages_fts WHERE rowid = ?`);
      d.transaction(() => {
        for (let r = 1; r < 1800; r += 3) del.run(r);
      })();
      // A few pages of an incremental merge: leaves its input segments trimmed (leading pages deleted).
      d.exec(`INSERT INTO messages_fts(messages_fts, rank) VALUES ('merge', 40)`);
      d.prepare('INSERT INTO messages_fts(rowid, content) VALUES (?, ?)').run(5000, 'tokenomics promptless');
    });
    const segments = db.prepare('SELECT count(DISTINCT segid) FROM messages_fts_idx').pluck().get() as number;
    expect(segments).toBeGreaterThan(3);
    // The half-done merge trimmed an input segment: its first leaves are gone, the b-tree still names them.
    const firstLeaves = db
      .prepare('SELECT min(id - ((id >> 37) << 37)) FROM messages_fts_data WHERE id >= (1 << 37) GROUP BY id >> 37')
      .pluck()
      .all() as number[];
    expect(Math.max(...firstLeaves)).toBeGreaterThan(1);
    for (const p of [...PREFIXES, 'tokeno', 'promptl']) {
      expectSameWords(db, prefixTerms(sql, p, { maxTerms: 10_000, maxPages: 10_000 }), p);
    }
    expect(prefixTerms(sql, 'tokeno')).toEqual(['tokenomics']);
  });

  it('reads the same words with a prefix from every leaf page as a full read of the page does', () => {
    const { db } = index((d) => fill(d, 6, 300, 5));
    // Leaf pages: segment ids from 1 (the structure and averages records sit below 2^37), without the doclist-index
    // flag or a b-tree height (bits 31–36).
    const blocks = db
      .prepare('SELECT block FROM messages_fts_data WHERE id >= (1 << 37) AND ((id >> 31) & 63) = 0')
      .pluck()
      .all() as Buffer[];
    expect(blocks.length).toBeGreaterThan(20);
    let found = 0;
    for (const p of [...PREFIXES, 'tokeno', 'promptl', '']) {
      const low = Buffer.concat([Buffer.of(0x30), Buffer.from(p, 'utf8')]);
      for (const block of blocks) {
        const expected = leafTerms(block).filter((t) => Buffer.from(t.subarray(0, low.length)).equals(low));
        const actual = leafTermsWithPrefix(block, low);
        expect(actual.map((t) => Buffer.from(t).toString('hex'))).toEqual(
          expected.map((t) => Buffer.from(t).toString('hex')),
        );
        found += actual.length;
      }
    }
    expect(found).toBeGreaterThan(100);
    expect(() => leafTermsWithPrefix(Uint8Array.of(0, 0, 0, 99), Uint8Array.of(0x30))).toThrow(LeafFormatError);
  });

  it('gives up past its limits and on an index layout it does not know', () => {
    const { db, sql } = index((d) => fill(d, 1, 2000));
    expect(prefixTerms(sql, 'w', { maxTerms: 50, maxPages: 10_000 })).toBeUndefined();
    expect(prefixTerms(sql, 'w', { maxTerms: 10_000, maxPages: 2 })).toBeUndefined();
    expect(prefixTerms(sql, 'prompt')).toEqual(['prompt', 'promptly', 'prompts']);
    // Shadow tables are write-protected (defensive mode): only unsafe mode can fake a future layout.
    db.unsafeMode(true);
    db.exec(`UPDATE messages_fts_config SET v = 99 WHERE k = 'version'`);
    expect(prefixTerms(sql, 'prompt')).toBeUndefined();
  });

  it('reads varints and refuses pages that do not follow the layout', () => {
    expect(readVarint(Uint8Array.of(0x05), 0)).toEqual([5, 1]);
    expect(readVarint(Uint8Array.of(0x81, 0x00), 0)).toEqual([128, 2]);
    // A page with one word, "0ab", and its footer pointing at it.
    expect(leafTerms(Uint8Array.of(0, 0, 0, 8, 3, 0x30, 0x61, 0x62, 4)).map((t) => Buffer.from(t).toString())).toEqual([
      '0ab',
    ]);
    expect(() => leafTerms(Uint8Array.of(0, 0, 0, 99))).toThrow(LeafFormatError);
    expect(() => leafTerms(Uint8Array.of(0, 0, 0, 5, 9, 4))).toThrow(LeafFormatError);
  });
});
