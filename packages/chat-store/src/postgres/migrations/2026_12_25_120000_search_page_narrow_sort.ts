/**
 * Frozen PostgreSQL migration: `chat_search_page` (2026_12_24_120000) with a narrower GIN plan. Where the window is
 * read through the full-text index, every match is sorted by rowid before the newest `p_window` are kept; the sort
 * carried each match's text and tsvector (about 500 bytes a row), and now carries its rowid only, the window's rows
 * being read again by primary key afterwards. Results are the same rows, ranks and order. Never edit; add a new
 * migration (CREATE OR REPLACE) instead.
 */
import { sql, type Kysely } from 'kysely';
import * as searchPageFunction from './2026_12_24_120000_search_page_function.js';

// Measured on bench:scale's 50,000 messages, the database server's CPU time per call (best of 10, shared machine,
// load 17-24): `"hotel museum"` (1,026 matches, the GIN plan) 15.8 ms before, 12.5 ms after; `orchestra violin`
// 11.6 and 9.4 ms; the walk plan (`comet`, `teles`) unchanged; a query that matches nothing returns before ranking.
const REPLACE = sql`
CREATE OR REPLACE FUNCTION chat_search_page(
  p_user text, p_query tsquery, p_terms tsquery[], p_ascii_patterns text[], p_patterns text[], p_from bigint, p_to bigint,
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
  v_idf float8[];
  v_counts text := '';
  v_score text := '0::float8';
  v_page_seqs bigint[];
  v_page_ranks float8[];
  v_count bigint;
  v_oldest bigint;
  v_seqs bigint[];
  v_source text;
BEGIN
  WITH newest AS MATERIALIZED (
    SELECT r.seq, r.content_tsv FROM chat_messages r ORDER BY r.seq DESC LIMIT p_probe_rows)
  SELECT coalesce(max(n.seq), 0), count(*) FILTER (WHERE n.content_tsv @@ p_query), count(*),
    ARRAY(SELECT (SELECT count(*) FROM newest x WHERE x.content_tsv @@ t.q)
          FROM unnest(p_terms) WITH ORDINALITY AS t(q, i) ORDER BY t.i)
  INTO v_top, v_matches, v_rows, v_terms
  FROM newest n;
  -- A term's share of the probe's rows stands for its share of all messages; a term the probe did not see counts as
  -- half of one. One term (or an empty probe) weighs 1.
  IF coalesce(cardinality(p_terms), 0) < 2 OR v_rows = 0 THEN
    v_idf := array_fill(1::float8, ARRAY[coalesce(cardinality(p_terms), 0)]);
  ELSE
    v_idf := ARRAY(
      SELECT CASE WHEN x.idf > 0 THEN x.idf ELSE 1e-6 END
      FROM unnest(v_terms) WITH ORDINALITY AS t(n, i),
        LATERAL (SELECT (greatest(0.5, t.n)::float8 / v_rows) * greatest(v_top, 1)::float8 AS df) d,
        LATERAL (SELECT ln((greatest(v_top, 1)::float8 - d.df + 0.5) / (d.df + 0.5)) AS idf) x
      ORDER BY t.i);
  END IF;
  FOR i IN 1 .. coalesce(cardinality(p_patterns), 0) LOOP
    IF p_terms[i]::text LIKE '%:*' THEN
      -- A prefix as countTerm counts it: ASCII text with the ASCII pattern; other text with the full one, and where
      -- that finds nothing, the text decomposed and without its combining marks (as foldText), lower case.
      v_counts := v_counts || format(', greatest(1, CASE WHEN octet_length(x.content) = length(x.content)
          THEN regexp_count(x.content, $6[%s], 1, ''i'')
          ELSE coalesce(nullif(regexp_count(x.content, $7[%s], 1, ''i''), 0), regexp_count(lower(regexp_replace(
            normalize(x.content, NFKD), ''['' || chr(768) || ''-'' || chr(879) || '']'', '''', ''g'')), $7[%s], 1, ''i''))
          END) AS t%s', i, i, i, i);
    ELSE
      -- A word: the positions of its lexemes in the row's tsvector (setweight marks them, ts_filter keeps them, and
      -- each position prints with one A; lexemes are lower case), whatever how often the word is in the text.
      v_counts := v_counts || format(', greatest(1, cardinality(string_to_array(ts_filter(setweight(x.tsv, ''A'',
          %L::text[]), ''{a}'')::text, ''A'')) - 1) AS t%s',
        ARRAY(SELECT replace(l[1], '''''', '''')
              FROM regexp_matches(p_terms[i]::text, '''((?:[^'']|'''')*)''', 'g') AS l), i);
    END IF;
    v_score := v_score || format(' + $8[%s] * ((w.t%s * (1.2::float8 + 1)) / (w.t%s + w.norm))', i, i, i);
  END LOOP;
  IF v_matches > 0 AND least(p_window::float8 * v_rows / v_matches, greatest(v_top, 1)) * p_walk_cost
    <= v_matches::float8 / v_rows * greatest(v_top, 1) THEN
    v_source := '(SELECT m.seq, m.content, m.content_tsv AS tsv FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
      WHERE ts_match_vq(m.content_tsv, $2) AND m.seq BETWEEN $3 AND $4 AND s.user_id = $1 ORDER BY m.seq DESC LIMIT $5) x';
  ELSE
    -- The GIN plan sorts every match by rowid before it keeps the window: it sorts rowids only, and the window's
    -- rows are then read again by rowid, so that no text or tsvector goes through the sort.
    PERFORM set_config('enable_bitmapscan', 'on', true), set_config('enable_sort', 'on', true),
      set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true),
      set_config('enable_nestloop', 'off', true);
    EXECUTE 'SELECT ARRAY(SELECT m.seq FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
        WHERE m.content_tsv @@ $2 AND m.seq + 0 BETWEEN $3 AND $4 AND s.user_id = $1 ORDER BY m.seq + 0 DESC LIMIT $5)'
      INTO v_seqs USING p_user, p_query, p_from, coalesce(p_to, v_top), p_window;
    -- No match: nothing to rank (the window statement would return no page either).
    IF cardinality(v_seqs) = 0 THEN
      RETURN;
    END IF;
    PERFORM set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true),
      set_config('enable_indexscan', 'on', true), set_config('enable_nestloop', 'on', true);
    v_source := '(SELECT m.seq, m.content, m.content_tsv AS tsv FROM unnest($11::bigint[]) AS n(seq)
      JOIN chat_messages m ON m.seq = n.seq) x';
  END IF;
  -- Lengths and counts over the window's rows only.
  EXECUTE 'WITH w0 AS MATERIALIZED (
      SELECT x.seq, CASE WHEN octet_length(x.content) = length(x.content) THEN length(x.content)
        ELSE length(x.content) + length(regexp_replace(x.content, ''[^'' || chr(65536) || ''-'' || chr(1114111) || '']'',
          '''', ''g'')) END AS len' || v_counts || '
      FROM ' || v_source || '),
    a AS (SELECT count(*) AS n, min(w0.seq) AS oldest,
      greatest(1, sum(w0.len)::float8 / greatest(count(*), 1)) AS average FROM w0),
    w AS (SELECT w0.*, 1.2::float8 * (1 - 0.75::float8 + (0.75::float8 * w0.len) / a.average) AS norm
      FROM w0 CROSS JOIN a),
    r AS (SELECT w.seq, -(' || v_score || ') AS rank FROM w ORDER BY 2, 1 DESC OFFSET $9 LIMIT $10)
    SELECT (SELECT array_agg(r.seq ORDER BY r.rank, r.seq DESC) FROM r),
      (SELECT array_agg(r.rank ORDER BY r.rank, r.seq DESC) FROM r), a.n, a.oldest
    FROM a'
    INTO v_page_seqs, v_page_ranks, v_count, v_oldest
    USING p_user, p_query, p_from, coalesce(p_to, v_top), p_window, p_ascii_patterns, p_patterns, v_idf, p_offset,
      p_limit, v_seqs;
  IF v_page_seqs IS NULL THEN
    RETURN;
  END IF;
  -- The page's rows by rowid (at most a hundred and one): an index lookup each.
  PERFORM set_config('enable_indexscan', 'on', true), set_config('enable_nestloop', 'on', true),
    set_config('enable_sort', 'on', true);
  RETURN QUERY EXECUTE
    'SELECT m.seq, m.content, m.id, m.session_id, s.title, m.role, m.created_at, p.rank, $3, $4
     FROM unnest($1::bigint[], $2::float8[]) WITH ORDINALITY AS p(seq, rank, ord)
     JOIN chat_messages m ON m.seq = p.seq JOIN chat_sessions s ON s.id = m.session_id
     ORDER BY p.ord'
    USING v_page_seqs, v_page_ranks, v_top, CASE WHEN v_count >= p_window THEN v_oldest ELSE 0 END;
END
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await REPLACE.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The previous body, as its own migration created it.
  await searchPageFunction.down(db);
  await searchPageFunction.up(db);
}
