/**
 * Frozen PostgreSQL migration: `chat_search_window`, a search's probe and window in one statement (one round trip
 * instead of six), with the planner settings of the window plan confined to the function; a small pending list for
 * the full-text index; statistics. Never edit; add a new migration (CREATE OR REPLACE) instead.
 */
import { sql, type Kysely } from 'kysely';

// The probe reads the newest `p_probe_rows` messages (of every user) by primary key, and counts how many match the
// query and each term. From the share f of matches among them, a walk along the primary key reads about
// `p_window / f` rows before the window is full (the whole table at most), and the GIN index returns about
// `f * newest rowid` matches, each fetched from the table before the newest are kept; the window is walked when
// that reads fewer rows, a walked row counting `p_walk_cost` times a fetched match (a walk evaluates the query on
// every row it reads, more cheaply than the GIN plan fetches, joins and sorts a match: 0.1 measured at 50,000
// messages, in search.ts).
// The function's SET clause makes every planner setting it changes end with the call. JIT is off: a disabled plan
// type adds 10^10 to the cost of the plans left, far above `jit_above_cost`, and compiling took 85–200 ms of a
// search whose execution takes 1–10 ms. The window statement is EXECUTEd, so it is planned afresh with the settings
// of its mode. The owner is checked by a join that no plan can start from the user's chats (reading every message
// of theirs, what the planner chose after an import): a walk would need a sort for that, the GIN plan a nested
// loop, and both are off in their mode.
const CREATE = sql`
CREATE FUNCTION chat_search_window(
  p_user text, p_query tsquery, p_terms tsquery[], p_from bigint, p_to bigint, p_window integer,
  p_probe_rows integer, p_walk_cost real)
RETURNS TABLE (
  seq bigint, content text, message_id text, session_id text, session_title text, role text, created_at bigint,
  newest bigint, probe_matches bigint, probe_rows bigint, probe_terms bigint[])
LANGUAGE plpgsql STABLE
SET jit = off SET enable_seqscan = off SET enable_mergejoin = off SET enable_bitmapscan = off
SET enable_sort = off SET enable_indexscan = on SET enable_indexonlyscan = on SET enable_nestloop = on
AS $fn$
#variable_conflict use_column
DECLARE
  v_top bigint;
  v_matches bigint;
  v_rows bigint;
  v_terms bigint[];
  v_walk boolean;
BEGIN
  WITH newest AS MATERIALIZED (
    SELECT r.seq, r.content_tsv FROM chat_messages r ORDER BY r.seq DESC LIMIT p_probe_rows)
  SELECT coalesce(max(n.seq), 0), count(*) FILTER (WHERE n.content_tsv @@ p_query), count(*),
    ARRAY(SELECT (SELECT count(*) FROM newest x WHERE x.content_tsv @@ t.q)
          FROM unnest(p_terms) WITH ORDINALITY AS t(q, i) ORDER BY t.i)
  INTO v_top, v_matches, v_rows, v_terms
  FROM newest n;
  -- least(p_window / f, v_top) * p_walk_cost <= f * v_top, with f = v_matches / v_rows (a walk stops at the oldest).
  v_walk := v_matches > 0 AND least(p_window::float8 * v_rows / v_matches, greatest(v_top, 1)) * p_walk_cost
    <= v_matches::float8 / v_rows * greatest(v_top, 1);
  IF v_walk THEN
    RETURN QUERY EXECUTE
      'SELECT m.seq, m.content, m.id, m.session_id, s.title, m.role, m.created_at, $6, $7, $8, $9
       FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
       WHERE ts_match_vq(m.content_tsv, $2) AND m.seq BETWEEN $3 AND $4 AND s.user_id = $1
       ORDER BY m.seq DESC LIMIT $5'
      USING p_user, p_query, p_from, coalesce(p_to, v_top), p_window, v_top, v_matches, v_rows, v_terms;
  ELSE
    PERFORM set_config('enable_bitmapscan', 'on', true), set_config('enable_sort', 'on', true),
      set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true),
      set_config('enable_nestloop', 'off', true);
    RETURN QUERY EXECUTE
      'SELECT m.seq, m.content, m.id, m.session_id, s.title, m.role, m.created_at, $6, $7, $8, $9
       FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
       WHERE m.content_tsv @@ $2 AND m.seq + 0 BETWEEN $3 AND $4 AND s.user_id = $1
       ORDER BY m.seq + 0 DESC LIMIT $5'
      USING p_user, p_query, p_from, coalesce(p_to, v_top), p_window, v_top, v_matches, v_rows, v_terms;
  END IF;
END
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await CREATE.execute(db);
  // New rows wait in the GIN index's pending list until it holds gin_pending_list_limit (4 MB by default), and
  // every search reads the whole list: 250 pages, 8 ms a search, after a bulk insert. 256 kB bounds that to 32.
  await sql`ALTER INDEX chat_messages_content_tsv_idx SET (gin_pending_list_limit = 256)`.execute(db);
  // Statistics from the start, so that no plan of the store (search or other) starts from a table it thinks empty.
  await sql`ANALYZE chat_sessions, chat_messages`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER INDEX chat_messages_content_tsv_idx RESET (gin_pending_list_limit)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS chat_search_window(text, tsquery, tsquery[], bigint, bigint, integer, integer, real)`.execute(
    db,
  );
}
