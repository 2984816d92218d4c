import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable } from '@chat-studio/test-support';
import { openTempPostgresStore, type TempPostgresStore } from '../../../test/postgres-db.js';
import type { PostgresChatDatabase } from '../postgres-database.js';
import { openPostgresStore } from '../open-postgres-store.js';
import { matchingWarmQuery, pageStatement, POSTGRES_SEARCH_CONCURRENCY, taskGate, WARM_QUERIES } from './search.js';
import { inverseDocFrequency, rankTerms, rankWindow } from '../../search/index.js';
import { buildTsQuery } from '../ts-query.js';
import { exportChatsJson, importChats, ONE_BRANCH_PER_CHAT_SQL } from '../../index.js';
import { collect, streamOf } from '../../../test/transfer-suite.js';

const skip = postgresUnavailable();

describe.skipIf(skip !== undefined)('PostgreSQL search plans', () => {
  let t: TempPostgresStore;
  let db: Kysely<PostgresChatDatabase>;
  let client: pg.Client;
  const notices: string[] = [];

  /** The plans of every statement one search runs, inner statements of `chat_search_page` included. */
  async function plans(
    query: string,
    user = 'u',
  ): Promise<{ probe: string; window: string; rows: string; statement: string; statements: number }> {
    const text = buildTsQuery(query)!;
    const compiled = pageStatement(user, text, rankTerms(query), { from: 0, to: null }, 1000, {
      offset: 0,
      limit: 21,
    }).compile(db);
    notices.length = 0;
    await client.query(compiled.sql, [...compiled.parameters]);
    const probe = notices.find((n) => n.includes('WITH newest AS')) ?? '';
    // The plan of the window's rows (CTE w0), without the ranking over them.
    const statement = notices.find((n) => n.includes('WITH w0 AS MATERIALIZED')) ?? '';
    const rows = /CTE w0[\s\S]*?(?=CTE a\b)/.exec(statement)?.[0] ?? '';
    // The GIN plan chooses the window's rowids in a statement of its own, then reads those rows in CTE w0.
    const rowids = notices.find((n) => n.includes('SELECT ARRAY(SELECT m.seq')) ?? '';
    // Statements sent by the client, as opposed to those the function runs inside.
    return {
      probe,
      window: rowids === '' ? rows : rowids,
      rows,
      statement,
      statements: notices.filter((n) => n.includes('FROM chat_search_page(')).length,
    };
  }

  beforeAll(async () => {
    t = await openTempPostgresStore();
    db = t.store.db;
    const s = await t.store.sessions.create('u', { title: 'Imported' });
    // A bulk import with no ANALYZE after it (and no autovacuum to run one): the planner knows nothing.
    await sql`ALTER TABLE chat_messages SET (autovacuum_enabled = false)`.execute(db);
    await sql`ALTER TABLE chat_sessions SET (autovacuum_enabled = false)`.execute(db);
    await sql`INSERT INTO chat_messages (id, session_id, role, content, created_at)
      SELECT 'm' || i, ${s.id}, 'user', CASE WHEN i % 1000 = 0 THEN 'a rare quokka and common words' ELSE 'common words number ' || i END, i
      FROM generate_series(1, 5000) AS i`.execute(db);
    // auto_explain shows the plans of the statements inside the function, as the server ran them.
    client = new pg.Client({ connectionString: t.db.url });
    client.on('notice', (n) => notices.push(n.message ?? ''));
    await client.connect();
    await client.query(`LOAD 'auto_explain'`);
    for (const setting of ['log_min_duration = 0', 'log_nested_statements = on', 'log_level = notice'])
      await client.query(`SET auto_explain.${setting}`);
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await t?.cleanup();
  });

  it('walks the newest rows for a common query and uses the GIN index for a rare one, analyzed or not', async () => {
    for (const analyzed of [false, true]) {
      if (analyzed) await sql`ANALYZE chat_messages, chat_sessions`.execute(db);
      const common = await plans('common');
      // One statement from the client; the probe, the window and the ranking inside it.
      expect(common.statements).toBe(1);
      // The probe reads only the newest rows, by primary key.
      expect(common.probe).toMatch(/Index (Only )?Scan Backward using chat_messages_pkey on chat_messages r/);
      expect(common.window).toMatch(/Index Scan Backward using chat_messages_pkey on chat_messages m/);
      expect(common.window).not.toMatch(/content_tsv_idx|Sort/);
      const rare = await plans('quokka');
      expect(rare.window).toMatch(/Bitmap Index Scan on chat_messages_content_tsv_idx/);
      // The owner from a hash of the user's chats, never a loop over them that reads every message of theirs.
      expect(rare.window).toMatch(/Hash Join/);
      expect(rare.window).not.toMatch(/Nested Loop|session_seq_idx|Seq Scan/);
      // Only rowids go through the sort of every match (bigint seq and its sort key); the window's rows are read
      // afterwards by primary key.
      expect(rare.window).toMatch(/Sort {2}\(cost=[\d.]+ rows=\d+ width=16\)/);
      expect(rare.rows).toMatch(/Index Scan using chat_messages_pkey on chat_messages m/);
      expect(rare.rows).not.toMatch(/content_tsv_idx|Sort|Seq Scan/);
      // No JIT: compiling took longer than the search.
      expect(`${common.statement}${rare.statement}`).toMatch(/CTE w0/);
      expect(`${common.statement}${rare.statement}`).not.toMatch(/JIT/);
    }
    expect((await t.store.search('u', 'quokka', { limit: 50 })).items).toHaveLength(5);
    expect((await t.store.search('u', 'common', { limit: 50 })).items).toHaveLength(50);
    expect((await t.store.search('someone-else', 'common', { limit: 50 })).items).toHaveLength(0);
  });

  it('plans the first searches after an import through the transfer path as any other', async () => {
    // One branch per chat, as the API stores them (an export needs each chat's current message).
    for (const statement of ONE_BRANCH_PER_CHAT_SQL) await sql.raw(statement).execute(db);
    const file = await collect(exportChatsJson(t.store, 'u'));
    expect(await importChats(t.store, 'w', { open: () => streamOf(file) })).toMatchObject({ imported: 1 });
    const common = await plans('common', 'w');
    expect(common.window).toMatch(/Index Scan Backward using chat_messages_pkey on chat_messages m/);
    expect(common.window).not.toMatch(/content_tsv_idx|Sort|session_seq_idx|Seq Scan/);
    const rare = await plans('quokka', 'w');
    expect(rare.window).toMatch(/Bitmap Index Scan on chat_messages_content_tsv_idx/);
    expect(rare.window).toMatch(/Hash Join/);
    expect(rare.window).not.toMatch(/Nested Loop|session_seq_idx|Seq Scan/);
    expect(rare.rows).toMatch(/Index Scan using chat_messages_pkey on chat_messages m/);
    // The imported chat is found; the other user's is not.
    expect((await t.store.search('w', 'quokka', { limit: 50 })).items).toHaveLength(5);
    expect((await t.store.search('u', 'quokka', { limit: 50 })).items).toHaveLength(5);
  }, 60_000);

  it('leaves the planner settings of the connection as they were', async () => {
    await plans('quokka');
    const { rows } = await client.query<{ seq: string; nest: string; jit: string }>(
      `SELECT current_setting('enable_seqscan') AS seq, current_setting('enable_nestloop') AS nest, current_setting('jit') AS jit`,
    );
    const defaults = await client.query<{ jit: string }>(`SELECT boot_val AS jit FROM pg_settings WHERE name = 'jit'`);
    expect(rows[0]).toEqual({ seq: 'on', nest: 'on', jit: defaults.rows[0]!.jit });
  });
});

describe.skipIf(skip !== undefined)('PostgreSQL search ranking in SQL', () => {
  let t: TempPostgresStore;
  const words = ['hotel', 'museum', 'museums', 'Zürich', 'zurich', 'ZÜRICH', 'café', 'the', 'a', 'garden', 'hotel-bar'];
  const extras = ['🍕', 'é', 'ß', '東京', 'x'];

  /** The ranking as it was computed before it moved into SQL: the window from `chat_search_window`, ranked in JS. */
  async function reference(user: string, query: string): Promise<{ id: string; rank: number }[]> {
    const terms = rankTerms(query);
    const tsquery = (text: string) => sql`to_tsquery('chat_search', ${text})`;
    const termArray =
      terms.length > 0
        ? sql`ARRAY[${sql.join(terms.map((term) => tsquery(`'${term.folded}'${term.prefix ? ':*' : ''}`)))}]`
        : sql`ARRAY[]::tsquery[]`;
    const { rows } = await sql<{
      seq: string;
      content: string;
      message_id: string;
      newest: string;
      probe_rows: string;
      probe_terms: string[];
    }>`SELECT * FROM chat_search_window(${user}, ${tsquery(buildTsQuery(query)!)}, ${termArray}, 0::bigint,
      ${null}::bigint, 1000::integer, 256::integer, 0.1::real)`.execute(t.store.db);
    const first = rows[0];
    const top = Math.max(1, Number(first?.newest ?? 0));
    const weights =
      first && terms.length >= 2 && Number(first.probe_rows) > 0
        ? first.probe_terms.map((n) =>
            inverseDocFrequency((Math.max(0.5, Number(n)) / Number(first.probe_rows)) * top, top),
          )
        : terms.map(() => 1);
    const window = rows.map((r) => ({ seq: Number(r.seq), content: r.content }));
    const ids = new Map(rows.map((r) => [Number(r.seq), r.message_id]));
    return rankWindow(window, terms, weights).map((r) => ({ id: ids.get(r.seq)!, rank: r.rank }));
  }

  beforeAll(async () => {
    t = await openTempPostgresStore();
    const s = await t.store.sessions.create('r', { title: 'Ranking' });
    // Deterministic texts of varied length, repeats, accents, case, prefixes and characters outside the BMP.
    let x = 7;
    const next = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    for (let i = 0; i < 150; i++) {
      const length = 1 + next(40);
      const text = Array.from({ length }, () =>
        next(6) === 0 ? extras[next(extras.length)]! : words[next(words.length)]!,
      ).join(next(3) === 0 ? ', ' : ' ');
      await t.store.messages.append('r', s.id, { role: 'user', content: text });
    }
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('ranks every row as rankWindow does, with the same scores', async () => {
    for (const query of [
      'hotel',
      'museum',
      'muse',
      'zurich',
      'ZÜRICH cafe',
      'hotel museu',
      'the garden hotel',
      'bar',
    ]) {
      const expected = await reference('r', query);
      const got = (await t.store.search('r', query, { limit: 100 })).items.map((h) => ({
        id: h.message_id,
        rank: h.rank,
      }));
      expect(got.length, query).toBe(Math.min(100, expected.length));
      expect(
        got.map((h) => h.id),
        query,
      ).toEqual(expected.slice(0, 100).map((h) => h.id));
      for (const [i, h] of got.entries()) expect(h.rank, `${query} #${i}`).toBeCloseTo(expected[i]!.rank, 12);
    }
  });

  it('sends only the page to the client, never the window', async () => {
    const text = buildTsQuery('hotel')!;
    const { rows } = await pageStatement('r', text, rankTerms('hotel'), { from: 0, to: null }, 1000, {
      offset: 0,
      limit: 5,
    }).execute(t.store.db);
    const { rows: all } = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM chat_messages WHERE content_tsv @@ to_tsquery('chat_search', ${text})`.execute(
      t.store.db,
    );
    // The window holds every match (far more than the page); five rows come back, ranked.
    expect(Number(all[0]!.n)).toBeGreaterThan(20);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.rank)).toEqual([...rows.map((r) => r.rank)].sort((a, b) => a - b));
  });
});

describe('taskGate', () => {
  it('runs at most `max` tasks at once, the others in the order they came, whether they succeed or fail', async () => {
    const gate = taskGate(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 3)));
      running--;
      order.push(i);
      if (i === 3) throw new Error('task 3 failed');
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => gate(task(i))));
    expect(most).toBe(2);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      ...Array(4).fill('fulfilled'),
    ]);
    expect(order).toHaveLength(8);
    // A failed task gives its place back too: the gate still runs two at once afterwards.
    running = 0;
    most = 0;
    await Promise.all([gate(task(10)), gate(task(11)), gate(task(12))]);
    expect(most).toBe(2);
  });
});

describe.skipIf(skip !== undefined)('PostgreSQL search connections', () => {
  it('are opened with the store and warmed with the plans a search runs, then serve the searches', async () => {
    const t = await openTempPostgresStore();
    // This store's connections warmed on an empty database: they ran no search.
    await t.store.searchReady;
    const s = await t.store.sessions.create('u', { title: 'Warm' });
    await sql`INSERT INTO chat_messages (id, session_id, role, content, created_at)
      SELECT 'w' || i, ${s.id}, 'user', 'the words of message ' || i, i FROM generate_series(1, 300) AS i`.execute(
      t.store.db,
    );
    const store = await openPostgresStore({ url: t.db.url, warmSearch: true });
    try {
      await store.searchReady;
      // Each search connection's last statement is a warm-up search, as the newest message's owner.
      const warmed = async () =>
        (
          await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ~ '^[[:space:]]*SELECT [*] FROM chat_search_page[(]'`.execute(
            t.store.db,
          )
        ).rows[0]!.n;
      expect(await warmed()).toBe(POSTGRES_SEARCH_CONCURRENCY);
      expect(WARM_QUERIES.length).toBeGreaterThan(0);
      const page = await store.search('u', 'message 7');
      expect(page.items.length).toBeGreaterThan(0);
      // The search ran on those connections: no other connection of the store ran one.
      expect(await warmed()).toBe(POSTGRES_SEARCH_CONCURRENCY);
    } finally {
      await store.close();
      await t.cleanup();
    }
  }, 60_000);

  it('warm up on an empty database without failing', async () => {
    const t = await openTempPostgresStore({ warmSearch: true });
    try {
      await expect(t.store.searchReady).resolves.toBeUndefined();
      expect((await t.store.search('u', 'anything')).items).toEqual([]);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});

describe('matchingWarmQuery', () => {
  it('searches the two longest words of the newest message, the longest last (a prefix), or nothing', () => {
    expect(matchingWarmQuery('A telescope sees the galaxy.')).toBe('galaxy telescope');
    expect(buildTsQuery(matchingWarmQuery('A telescope sees the galaxy.')!)).toBe("'galaxy' & 'telescope':*");
    expect(matchingWarmQuery('Zürich')).toBe('Zürich');
    expect(matchingWarmQuery('a to be, or not')).toBeUndefined();
  });
});
