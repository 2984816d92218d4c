/** Accounts on PostgreSQL. The security package hashes passwords; this only stores and finds rows. */
import { sql } from 'kysely';
import { DuplicateError } from '../../errors/index.js';
import type { UsersRepository } from '../../contract/users.js';
import type { UserRow } from '../../contract/tables/index.js';
import { count, isUniqueViolation, type PostgresContext } from './postgres-context.js';

export function createPostgresUsersRepository(ctx: PostgresContext): UsersRepository {
  const { db } = ctx;
  const getById = (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

  return {
    async create(input) {
      const row: UserRow = {
        id: input.id ?? ctx.newId(),
        username: input.username,
        password_hash: input.password_hash,
        created_at: ctx.now(),
        disabled: 0,
        role: input.role ?? 'user',
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new DuplicateError(`User ${JSON.stringify(input.username)} already exists`, { cause: error });
        throw error;
      }
      return row;
    },
    getById,
    async getByUsername(username) {
      // users_username_lower_idx serves this and makes usernames unique case-insensitively.
      return db
        .selectFrom('users')
        .selectAll()
        .where(sql`lower(username)`, '=', sql`lower(${username})`)
        .executeTakeFirst();
    },
    async list() {
      return db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
    },
    async setPasswordHash(id, passwordHash) {
      return (
        count(
          (await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst())
            .numUpdatedRows,
        ) > 0
      );
    },
    async setDisabled(id, disabled) {
      return (
        count(
          (
            await db
              .updateTable('users')
              .set({ disabled: disabled ? 1 : 0 })
              .where('id', '=', id)
              .executeTakeFirst()
          ).numUpdatedRows,
        ) > 0
      );
    },
    async setRole(id, role) {
      return (
        count((await db.updateTable('users').set({ role }).where('id', '=', id).executeTakeFirst()).numUpdatedRows) > 0
      );
    },
    async delete(id) {
      return db.transaction().execute(async (trx) => {
        // chat_sessions.user_id has no foreign key (the local user may have no users row), so delete explicitly.
        await trx.deleteFrom('chat_sessions').where('user_id', '=', id).execute();
        return count((await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0;
      });
    },
    async ensure(id, username) {
      const row: UserRow = { id, username, password_hash: null, created_at: ctx.now(), disabled: 0, role: 'admin' };
      try {
        // Two API processes ensuring the same user at once: one inserts, the other reads the winner's row.
        await db
          .insertInto('users')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new DuplicateError(`User ${JSON.stringify(username)} already exists`, { cause: error });
        throw error;
      }
      return (await getById(id))!;
    },
  };
}
