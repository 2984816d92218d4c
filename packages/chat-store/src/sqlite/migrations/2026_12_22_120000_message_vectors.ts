/**
 * Frozen migration: the bookkeeping of search by meaning. The vectors themselves live in a sqlite-vec `vec0` table
 * (`message_vectors`) that the store creates when it learns the embedding model, because its dimension is part of
 * the table's definition and changes with the model.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row at most: the model and dimension every stored vector belongs to.
  await sql`
    CREATE TABLE embedding_model (
      id integer PRIMARY KEY CHECK (id = 1),
      model text NOT NULL,
      dims integer NOT NULL CHECK (dims > 0),
      updated_at integer NOT NULL
    )`.execute(db);
  // A row per user who opted in; `cursor_seq` is the highest message seq embedded (resumes after a restart).
  await sql`
    CREATE TABLE embedding_users (
      user_id text PRIMARY KEY,
      cursor_seq integer NOT NULL DEFAULT 0,
      enabled_at integer NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS embedding_users`.execute(db);
  await sql`DROP TABLE IF EXISTS embedding_model`.execute(db);
}
