/**
 * Frozen PostgreSQL migration: `chat_search_page`, a search's probe, window, BM25 ranking and page in one statement.
 * The window of up to 1,000 matches stays in the database; only the page's rows (at most 101) reach the client,
 * where `chat_search_window` (2026_12_21_120000, kept for older clients) sent the whole window to be parsed and
 * ranked on the API's event loop. Never edit; add a new migration (CREATE OR REPLACE) instead.
 */
import { sql, type Kysely } from 'kysely';

// The probe and the choice between walking the primary key and the GIN index are those of `chat_search_window`
// (see that migration for the rule and the planner settings). Ranking is the BM25 of `rankWindow` in
// src/search/rank.ts, computed in the same order of float8 operations: k1 = 1.2, b = 0.75, a row's length in UTF-16
// code units (as JavaScript's `length`: code points plus one per character outside the BMP), the average over the
// window, idf from the probe's counts, and a term's frequency in a row of at least 1. The frequency is read from the
// row's `tsvector` (how many positions its lexemes have; for a prefix, the lexemes of the window that start with it),
// not counted in the text: `setweight` marks the term's lexemes, `ts_filter` keeps them, and each position they have
// prints with one `A` (lexemes are lower case, so no other `A` appears). PostgreSQL keeps at most 256 positions of a
// lexeme per row, so a word repeated more often counts 256 times, where BM25's saturation makes that no difference.
const CREATE = sql`
CREATE FUNCTION chat_search_page(
  p_user text, p_query tsquery, p_terms tsquery[], p_prefix boolean[], p_from bigint, p_to bigint,
  p_window integer, p_offset integer, p_limit integer, p_probe_rows integer, p_walk_cost real)
RETURNS TABLE (
  seq bigint, content text, message_id text, session_id text, session_title text, role text, created_at bigint,
  rank float8, newest bigint, window_from bigint)
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
  v_rowsql text;
  v_seqs bigint[];
  v_lens bigint[];
  v_tsvs tsvector[];
  v_count integer;
  v_average float8;
  v_idf float8[];
  v_filters text := '';
  v_counts text := '';
  v_score text := '0::float8';
  v_lexemes text[];
  v_page_seqs bigint[];
  v_page_ranks float8[];
BEGIN
  WITH newest AS MATERIALIZED (
    SELECT r.seq, r.content_tsv FROM chat_messages r ORDER BY r.seq DESC LIMIT p_probe_rows)
  SELECT coalesce(max(n.seq), 0), count(*) FILTER (WHERE n.content_tsv @@ p_query), count(*),
    ARRAY(SELECT (SELECT count(*) FROM newest x WHERE x.content_tsv @@ t.q)
          FROM unnest(p_terms) WITH ORDINALITY AS t(q, i) ORDER BY t.i)
  INTO v_top, v_matches, v_rows, v_terms
  FROM newest n;
  v_walk := v_matches > 0 AND least(p_window::float8 * v_rows / v_matches, greatest(v_top, 1)) * p_walk_cost
    <= v_matches::float8 / v_rows * greatest(v_top, 1);
  -- The window's rows: rowid, length in UTF-16 code units, tsvector; the text stays in the table.
  v_rowsql := 'SELECT m.seq, CASE WHEN octet_length(m.content) = length(m.content) THEN length(m.content)
      ELSE length(m.content) + length(regexp_replace(m.content, ''[^'' || chr(65536) || ''-'' || chr(1114111) || '']'',
        '''', ''g'')) END AS len, m.content_tsv AS tsv
    FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id';
  IF v_walk THEN
    EXECUTE 'SELECT array_agg(w.seq), array_agg(w.len), array_agg(w.tsv) FROM (' || v_rowsql || '
       WHERE ts_match_vq(m.content_tsv, $2) AND m.seq BETWEEN $3 AND $4 AND s.user_id = $1
       ORDER BY m.seq DESC LIMIT $5) w'
      INTO v_seqs, v_lens, v_tsvs USING p_user, p_query, p_from, coalesce(p_to, v_top), p_window;
  ELSE
    PERFORM set_config('enable_bitmapscan', 'on', true), set_config('enable_sort', 'on', true),
      set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true),
      set_config('enable_nestloop', 'off', true);
    EXECUTE 'SELECT array_agg(w.seq), array_agg(w.len), array_agg(w.tsv) FROM (' || v_rowsql || '
       WHERE m.content_tsv @@ $2 AND m.seq + 0 BETWEEN $3 AND $4 AND s.user_id = $1
       ORDER BY m.seq + 0 DESC LIMIT $5) w'
      INTO v_seqs, v_lens, v_tsvs USING p_user, p_query, p_from, coalesce(p_to, v_top), p_window;
  END IF;
  v_count := coalesce(cardinality(v_seqs), 0);
  IF v_count = 0 OR p_offset >= v_count THEN
    RETURN;
  END IF;
  SELECT greatest(1, sum(l)::float8 / v_count) INTO v_average FROM unnest(v_lens) AS l;
  -- A term's share of the probe's rows stands for its share of all messages; a term the probe did not see counts as
  -- half of one. One term (or an empty probe) weighs 1.
  IF cardinality(p_terms) < 2 OR v_rows = 0 THEN
    v_idf := array_fill(1::float8, ARRAY[cardinality(p_terms)]);
  ELSE
    v_idf := ARRAY(
      SELECT CASE WHEN x.idf > 0 THEN x.idf ELSE 1e-6 END
      FROM unnest(v_terms) WITH ORDINALITY AS t(n, i),
        LATERAL (SELECT (greatest(0.5, t.n)::float8 / v_rows) * greatest(v_top, 1)::float8 AS df) d,
        LATERAL (SELECT ln((greatest(v_top, 1)::float8 - d.df + 0.5) / (d.df + 0.5)) AS idf) x
      ORDER BY t.i);
  END IF;
  FOR i IN 1 .. coalesce(cardinality(p_terms), 0) LOOP
    v_lexemes := ARRAY(SELECT replace(m[1], '''''', '''') FROM regexp_matches(p_terms[i]::text, '''((?:[^'']|'''')*)''', 'g') AS m);
    IF p_prefix[i] THEN
      v_lexemes := ARRAY(SELECT DISTINCT x FROM unnest(v_tsvs) AS t, unnest(tsvector_to_array(t)) AS x
        WHERE EXISTS (SELECT 1 FROM unnest(v_lexemes) AS l WHERE starts_with(x, l)));
    END IF;
    v_filters := v_filters || format(', ts_filter(setweight(w.tsv, ''A'', %L::text[]), ''{a}'')::text AS f%s', v_lexemes, i);
    v_counts := v_counts || format(', greatest(1, cardinality(string_to_array(f.f%s, ''A'')) - 1) AS t%s', i, i);
    v_score := v_score || format(' + $1[%s] * ((t.t%s * (1.2::float8 + 1)) / (t.t%s + w.norm))', i, i, i);
  END LOOP;
  EXECUTE 'SELECT array_agg(r.seq ORDER BY r.rank, r.seq DESC), array_agg(r.rank ORDER BY r.rank, r.seq DESC) FROM (
      SELECT q.seq, q.rank FROM (
        SELECT w.seq, -(' || v_score || ') AS rank
        FROM (SELECT u.seq, u.tsv, 1.2::float8 * (1 - 0.75::float8 + (0.75::float8 * u.len) / $2) AS norm
              FROM unnest($3::bigint[], $4::bigint[], $5::tsvector[]) AS u(seq, len, tsv)) w
        CROSS JOIN LATERAL (SELECT 1 AS one' || v_filters || ' OFFSET 0) f
        CROSS JOIN LATERAL (SELECT 1 AS one' || v_counts || ') t) q
      ORDER BY q.rank, q.seq DESC OFFSET $6 LIMIT $7) r'
    INTO v_page_seqs, v_page_ranks USING v_idf, v_average, v_seqs, v_lens, v_tsvs, p_offset, p_limit;
  PERFORM set_config('enable_indexscan', 'on', true), set_config('enable_nestloop', 'on', true),
    set_config('enable_sort', 'on', true);
  RETURN QUERY EXECUTE
    'SELECT m.seq, m.content, m.id, m.session_id, s.title, m.role, m.created_at, p.rank, $3, $4
     FROM unnest($1::bigint[], $2::float8[]) WITH ORDINALITY AS p(seq, rank, ord)
     JOIN chat_messages m ON m.seq = p.seq JOIN chat_sessions s ON s.id = m.session_id
     ORDER BY p.ord'
    USING v_page_seqs, v_page_ranks, v_top,
      CASE WHEN v_count >= p_window THEN (SELECT min(x) FROM unnest(v_seqs) AS x) ELSE 0 END;
END
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await CREATE.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS chat_search_page(text, tsquery, tsquery[], boolean[], bigint, bigint, integer, integer, integer, integer, real)`.execute(
    db,
  );
}
