import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable } from '@chat-studio/test-support';
import { openTempPostgresStore, type TempPostgresStore } from '../../../test/postgres-db.js';
import type { PostgresChatDatabase } from '../postgres-database.js';
import { probe, shouldWalk, usePlan, windowQuery } from './search.js';
import { rankTerms } from '../../search/index.js';

const skip = postgresUnavailable();

describe.skipIf(skip !== undefined)('PostgreSQL search plans', () => {
  let t: TempPostgresStore;
  let db: Kysely<PostgresChatDatabase>;
  let user: string;

  async function plan(text: string, walk: boolean): Promise<string> {
    const { rows } = await db.transaction().execute(async (trx) => {
      await usePlan(trx, walk);
      return sql<{
        'QUERY PLAN': string;
      }>`EXPLAIN ${windowQuery(user, text, { from: 0, to: 1e12 }, 1000, walk)}`.execute(trx);
    });
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  beforeAll(async () => {
    t = await openTempPostgresStore();
    db = t.store.db as unknown as Kysely<PostgresChatDatabase>;
    const s = await t.store.sessions.create('u', { title: 'Imported' });
    user = 'u';
    // A bulk import with no ANALYZE after it (and no autovacuum to run one): the planner knows nothing.
    await sql`ALTER TABLE chat_messages SET (autovacuum_enabled = false)`.execute(db);
    await sql`INSERT INTO chat_messages (id, session_id, role, content, created_at)
      SELECT 'm' || i, ${s.id}, 'user', CASE WHEN i % 1000 = 0 THEN 'a rare quokka and common words' ELSE 'common words number ' || i END, i
      FROM generate_series(1, 5000) AS i`.execute(db);
  }, 60_000);
  afterAll(() => t?.cleanup());

  it('walks the newest rows for a common query and never for a rare one, analyzed or not', async () => {
    for (const analyzed of [false, true]) {
      if (analyzed) await sql`ANALYZE chat_messages`.execute(db);
      const common = await probe(db, "'common'", rankTerms('common'));
      const rare = await probe(db, "'quokka'", rankTerms('quokka'));
      expect(shouldWalk(common)).toBe(true);
      expect(shouldWalk(rare)).toBe(false);
      expect(await plan("'common'", true)).toMatch(/Index Scan Backward using chat_messages_pkey/);
      expect(await plan("'common'", true)).not.toMatch(/content_tsv_idx/);
      expect(await plan("'quokka'", false)).toMatch(/Bitmap Index Scan on chat_messages_content_tsv_idx/);
      // The probe reads only the newest rows, by primary key.
      const probePlan = await db.transaction().execute(async (trx) => {
        await usePlan(trx, true);
        return sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT count(*) FROM chat_messages r
          WHERE r.seq > (SELECT coalesce(max(seq), 0) FROM chat_messages) - 512`.execute(trx);
      });
      expect(probePlan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
        /Index (Only )?Scan (Backward )?using chat_messages_pkey on chat_messages r/,
      );
      // Never from the user's chats: that reads every message of theirs.
      expect(await plan("'quokka'", false)).not.toMatch(/chat_sessions_user_list_idx|session_seq_idx/);
    }
    expect((await t.store.search('u', 'quokka', { limit: 50 })).items).toHaveLength(5);
    expect((await t.store.search('u', 'common', { limit: 50 })).items).toHaveLength(50);
  });
});
