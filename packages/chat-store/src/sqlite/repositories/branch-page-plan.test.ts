import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { BRANCH_STATEMENTS } from './messages.repository.js';

/** `EXPLAIN QUERY PLAN` of a branch page from `leaf`, one `detail` per step. */
function plan(raw: Database.Database, statement: string, leaf: string, session: string): string[] {
  const params = { start: leaf, session, after: 0, max: 51, limit: 51 };
  return (raw.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(params) as { detail: string }[]).map((r) => r.detail);
}

function expectPageFirst(steps: string[]): void {
  // The page's rows drive the join; a message is looked up by key for each, never read in `seq` order.
  expect(steps.join('\n')).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
  expect(steps.join('\n')).not.toMatch(/SCAN m\b/);
}

describe('branch page plan', () => {
  let t: TempStore;
  let session: string;
  let leaf: string;
  beforeEach(async () => {
    t = await openTempStore({ readPool: 0, optimizeIntervalMs: 0 });
    for (let i = 0; i < 5; i++) {
      const s = await t.store.sessions.create('u', { title: `chat ${i}` });
      for (let j = 0; j < 20; j++) {
        const m = await t.store.messages.append('u', s.id, { role: j % 2 ? 'assistant' : 'user', content: `m ${j}` });
        session = s.id;
        leaf = m!.id;
      }
    }
  });
  afterEach(() => t.cleanup());

  it('reads a page by key on a database that was never analyzed', () => {
    const raw = new Database(t.path);
    try {
      raw.exec('DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4');
      expectPageFirst(plan(raw, BRANCH_STATEMENTS.BRANCH_DESC, leaf, session));
      expectPageFirst(plan(raw, BRANCH_STATEMENTS.BRANCH_ASC, leaf, session));
    } finally {
      raw.close();
    }
  });

  it('reads a page by key when statistics say there are ten million messages', () => {
    const raw = new Database(t.path);
    try {
      raw.exec('ANALYZE');
      // The shape that made SQLite 3.53 scan every message in `seq` order (400 ms a page at 1,000,000 messages).
      raw.exec(`DELETE FROM sqlite_stat1 WHERE tbl = 'chat_messages';
        INSERT INTO sqlite_stat1 VALUES ('chat_messages', NULL, '10000000');
        INSERT INTO sqlite_stat1 VALUES ('chat_messages', 'chat_messages_session_seq_idx', '10000000 100 1');
        INSERT INTO sqlite_stat1 VALUES ('chat_messages', 'chat_messages_parent_idx', '10000000 1 1');`);
      raw.exec('ANALYZE sqlite_schema');
      expectPageFirst(plan(raw, BRANCH_STATEMENTS.BRANCH_DESC, leaf, session));
      expectPageFirst(plan(raw, BRANCH_STATEMENTS.BRANCH_ASC, leaf, session));
    } finally {
      raw.close();
    }
  });
});
