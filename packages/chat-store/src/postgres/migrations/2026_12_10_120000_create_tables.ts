/** Frozen PostgreSQL migration: every table of the chat store, its indexes and full-text search. Never edit; add a new migration instead. */
import { sql, type Kysely } from 'kysely';

/** Text search configuration every `tsvector` and `tsquery` of the store uses. */
export const SEARCH_CONFIG = 'chat_search';

export async function up(db: Kysely<any>): Promise<void> {
  // 'simple' keeps every language's words as they are (no stemming, no stop words), like SQLite's unicode61;
  // unaccent, where the server has it, folds "Zürich" and "zurich" together like remove_diacritics.
  await sql`CREATE TEXT SEARCH CONFIGURATION chat_search (COPY = simple)`.execute(db);
  const { rows } = await sql<{
    ok: number;
  }>`SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'unaccent'`.execute(db);
  if (rows.length > 0) {
    // A role that may not create the extension keeps plain 'simple'; the savepoint keeps the migration alive.
    await sql`SAVEPOINT chat_unaccent`.execute(db);
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
      await sql`ALTER TEXT SEARCH CONFIGURATION chat_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple`.execute(
        db,
      );
      await sql`RELEASE SAVEPOINT chat_unaccent`.execute(db);
    } catch {
      await sql`ROLLBACK TO SAVEPOINT chat_unaccent`.execute(db);
    }
  }

  await sql`
    CREATE TABLE chat_sessions (
      id text PRIMARY KEY,
      user_id text NOT NULL,
      title text NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      pinned integer NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
      archived integer NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
      settings text NOT NULL DEFAULT '{}'
    )`.execute(db);
  // Listing is always "this user's (un)archived sessions, newest activity first"; id breaks ties for the cursor.
  await sql`CREATE INDEX chat_sessions_user_list_idx ON chat_sessions (user_id, archived, updated_at DESC, id DESC)`.execute(
    db,
  );

  await sql`
    CREATE TABLE chat_messages (
      -- A sequence never hands out a value twice, so cursors stay unambiguous after deletes.
      seq bigserial PRIMARY KEY,
      id text NOT NULL UNIQUE,
      session_id text NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
      content text NOT NULL,
      created_at bigint NOT NULL,
      -- The troubleshooting guide queries ORDER BY timestamp.
      "timestamp" bigint GENERATED ALWAYS AS (created_at) STORED,
      status text NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'partial', 'error')),
      model_id text,
      prompt_tokens integer,
      completion_tokens integer,
      time_to_first_token_ms double precision,
      tokens_per_second double precision,
      finish_reason text,
      -- Generated, so the index can never drift from the text: no triggers to keep in sync.
      content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('chat_search'::regconfig, content)) STORED
    )`.execute(db);
  await sql`CREATE INDEX chat_messages_session_seq_idx ON chat_messages (session_id, seq)`.execute(db);
  await sql`CREATE INDEX chat_messages_content_tsv_idx ON chat_messages USING gin (content_tsv)`.execute(db);

  await sql`
    CREATE TABLE users (
      id text PRIMARY KEY,
      username text NOT NULL,
      password_hash text,
      created_at bigint NOT NULL,
      disabled integer NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
    )`.execute(db);
  // Usernames are unique case-insensitively, as SQLite's COLLATE NOCASE column is.
  await sql`CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username))`.execute(db);

  await sql`
    CREATE TABLE auth_sessions (
      id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      last_seen_at bigint NOT NULL,
      revoked_at bigint
    )`.execute(db);
  await sql`CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id)`.execute(db);
  await sql`CREATE INDEX auth_sessions_expires_idx ON auth_sessions (expires_at)`.execute(db);

  await sql`
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL,
      prefix text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      created_at bigint NOT NULL,
      last_used_at bigint,
      revoked_at bigint
    )`.execute(db);
  await sql`CREATE INDEX api_keys_user_idx ON api_keys (user_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['api_keys', 'auth_sessions', 'users', 'chat_messages', 'chat_sessions']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
  await sql`DROP TEXT SEARCH CONFIGURATION IF EXISTS chat_search`.execute(db);
}
