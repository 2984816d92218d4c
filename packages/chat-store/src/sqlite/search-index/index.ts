/** Verifies and recreates `messages_fts`, the SQLite full-text index, whatever state a manual edit left it in. */
import type { SearchIndexStatus } from '../../contract/maintenance.js';
export type { SearchIndexStatus } from '../../contract/maintenance.js';
import type { SqlRunner } from '../connection/index.js';

/** The index exactly as migration 2026_11_28_184600 creates it; any other definition is foreign. */
export const SEARCH_INDEX_SQL = `CREATE VIRTUAL TABLE messages_fts USING fts5(
      content,
      session_id UNINDEXED,
      content = 'chat_messages',
      content_rowid = 'seq',
      tokenize = 'unicode61 remove_diacritics 2'
    )`;

/**
 * The triggers that keep the index in step with `chat_messages`, as migration 2026_12_25_130000 creates them: a reply
 * being generated (`streaming = 1`) is left out until its final store, so the partial writes of a stream cost no
 * re-indexing.
 */
export const SEARCH_INDEX_TRIGGERS: Readonly<Record<string, string>> = Object.freeze({
  chat_messages_fts_ai: `CREATE TRIGGER chat_messages_fts_ai AFTER INSERT ON chat_messages WHEN new.streaming = 0 BEGIN
      INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
    END`,
  chat_messages_fts_ad: `CREATE TRIGGER chat_messages_fts_ad AFTER DELETE ON chat_messages WHEN old.streaming = 0 BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
    END`,
  chat_messages_fts_au: `CREATE TRIGGER chat_messages_fts_au AFTER UPDATE OF content, session_id, streaming ON chat_messages
    WHEN old.streaming = 0 OR new.streaming = 0 BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id)
        SELECT 'delete', old.seq, old.content, old.session_id WHERE old.streaming = 0;
      INSERT INTO messages_fts(rowid, content, session_id)
        SELECT new.seq, new.content, new.session_id WHERE new.streaming = 0;
    END`,
});

/**
 * FTS5's 'rebuild' indexes every row of the content table; this takes the replies being generated out again, so the
 * index holds exactly the rows the triggers expect (their final store's 'delete' would otherwise find none).
 */
export const UNINDEX_STREAMING_REPLIES = `INSERT INTO messages_fts(messages_fts, rowid, content, session_id)
  SELECT 'delete', seq, content, session_id FROM chat_messages WHERE streaming = 1`;

/** The command that repairs any problem {@link checkSearchIndex} reports. */
export const REBUILD_FTS_COMMAND = 'pnpm maintenance --rebuild-fts';

/** Whitespace and case do not matter to SQLite; compare without them. */
function normalize(sqlText: string | null | undefined): string {
  return (sqlText ?? '').replace(/\s+/g, '').toLowerCase();
}

/** Rowids on one side that the other lacks, among the newest `sample` of each. */
function sampleMismatch(sql: SqlRunner, sample: number): string[] {
  const problems: string[] = [];
  // messages_fts_docsize holds one row per indexed message (our index keeps sizes: no `columnsize=0`).
  const indexedMissing =
    sql.get<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT id FROM messages_fts_docsize ORDER BY id DESC LIMIT ?) d
      WHERE NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.seq = d.id)`,
      [sample],
    )?.n ?? 0;
  if (indexedMissing > 0)
    problems.push(
      `${indexedMissing} of the newest ${sample} index entries point at no message: search hits would be wrong`,
    );
  const messagesMissing =
    sql.get<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT seq, streaming FROM chat_messages ORDER BY seq DESC LIMIT ?) m
      WHERE m.streaming = 0 AND NOT EXISTS (SELECT 1 FROM messages_fts_docsize d WHERE d.id = m.seq)`,
      [sample],
    )?.n ?? 0;
  if (messagesMissing > 0)
    problems.push(
      `${messagesMissing} of the newest ${sample} messages are missing from the index: search would not find them`,
    );
  return problems;
}

/**
 * FTS5's own `integrity-check`, which compares the index with every row of `chat_messages`. Replies being generated
 * are out of the index by design, so they are added for the check and taken out again (a savepoint rolled back).
 */
function fullIntegrityCheck(sql: SqlRunner): void {
  const check = `INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)`;
  if (!sql.get(`SELECT 1 AS streaming FROM chat_messages WHERE streaming = 1 LIMIT 1`)) {
    sql.run(check);
    return;
  }
  sql.raw.exec('SAVEPOINT fts_integrity_check');
  try {
    sql.raw.exec(
      'INSERT INTO messages_fts(rowid, content, session_id) SELECT seq, content, session_id FROM chat_messages WHERE streaming = 1',
    );
    sql.run(check);
  } finally {
    sql.raw.exec('ROLLBACK TO fts_integrity_check');
    sql.raw.exec('RELEASE fts_integrity_check');
  }
}

/**
 * Checks that `messages_fts` is ours: its exact definition, its three triggers, and the newest `sample` rowids of the
 * index against the messages (cheap: two index walks). `full` adds FTS5's own `integrity-check` against
 * `chat_messages`, which reads every row (maintenance, not health).
 */
export function checkSearchIndex(sql: SqlRunner, options: { sample?: number; full?: boolean } = {}): SearchIndexStatus {
  const sample = Math.max(1, options.sample ?? 50);
  const rows = sql.all<{ type: string; name: string; sql: string | null }>(
    `SELECT type, name, sql FROM sqlite_schema WHERE name = 'messages_fts' OR name LIKE 'chat_messages_fts_%' OR (type = 'trigger' AND tbl_name = 'chat_messages')`,
  );
  const table = rows.find((r) => r.name === 'messages_fts');
  const problems: string[] = [];
  if (!table) problems.push('the search index messages_fts is missing');
  else if (normalize(table.sql) !== normalize(SEARCH_INDEX_SQL)) {
    problems.push(`messages_fts is not Chat Studio's index (found: ${(table.sql ?? '').replace(/\s+/g, ' ')})`);
  }
  for (const [name, expected] of Object.entries(SEARCH_INDEX_TRIGGERS)) {
    const trigger = rows.find((r) => r.type === 'trigger' && r.name === name);
    if (!trigger) problems.push(`trigger ${name} is missing: the index no longer follows message changes`);
    else if (normalize(trigger.sql) !== normalize(expected))
      problems.push(`trigger ${name} differs from Chat Studio's`);
  }
  if (problems.length === 0) {
    try {
      // The definition can be right while this connection cannot use it (recreated under a running server whose
      // connection still holds the old table): only a real query shows that.
      sql.raw.prepare(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH '"a"' LIMIT 1`).get();
    } catch (error) {
      problems.push(
        `messages_fts cannot be queried on this connection (${error instanceof Error ? error.message : String(error)}): restart the server`,
      );
    }
  }
  if (problems.length === 0) {
    problems.push(...sampleMismatch(sql, sample));
    if (problems.length === 0 && options.full) {
      try {
        fullIntegrityCheck(sql);
      } catch (error) {
        problems.push(`FTS5 integrity-check: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { ok: problems.length === 0, problems };
}

/**
 * Drops whatever `messages_fts` and its triggers are now (a foreign table, stray shadow tables, missing triggers)
 * and creates them exactly as the migration does, then indexes every message, in one transaction.
 */
export function recreateSearchIndex(sql: SqlRunner): void {
  sql.write(() => {
    for (const name of Object.keys(SEARCH_INDEX_TRIGGERS)) sql.raw.exec(`DROP TRIGGER IF EXISTS ${name}`);
    sql.raw.exec('DROP TABLE IF EXISTS messages_fts');
    // A half-dropped index can leave shadow tables behind, and CREATE would then fail on them.
    const shadows = sql.raw
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('messages_fts_data', 'messages_fts_idx', 'messages_fts_content', 'messages_fts_docsize', 'messages_fts_config')`,
      )
      .all() as { name: string }[];
    for (const { name } of shadows) sql.raw.exec(`DROP TABLE IF EXISTS ${name}`);
    sql.raw.exec(SEARCH_INDEX_SQL);
    for (const ddl of Object.values(SEARCH_INDEX_TRIGGERS)) sql.raw.exec(ddl);
    sql.raw.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`);
    sql.raw.exec(UNINDEX_STREAMING_REPLIES);
  });
  // Statements prepared against the old table are invalid now.
  sql.clear();
}
