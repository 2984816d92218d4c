/** Login sessions on PostgreSQL. Only token hashes are stored; lookups ignore revoked and expired rows. */
import { DuplicateError } from '../../errors/index.js';
import type { AuthSessionsRepository } from '../../contract/auth-sessions.js';
import type { AuthSessionRow } from '../../contract/tables/index.js';
import { count, isUniqueViolation, type PostgresContext } from './postgres-context.js';

export function createPostgresAuthSessionsRepository(ctx: PostgresContext): AuthSessionsRepository {
  const { db } = ctx;
  return {
    async create(input) {
      const now = ctx.now();
      const row: AuthSessionRow = { id: ctx.newId(), ...input, created_at: now, last_seen_at: now, revoked_at: null };
      try {
        await db.insertInto('auth_sessions').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateError('Token hash already exists', { cause: error });
        throw error;
      }
      return row;
    },
    async getByTokenHash(tokenHash) {
      return db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', ctx.now())
        .executeTakeFirst();
    },
    async touch(id, expiresAt) {
      const set =
        expiresAt === undefined ? { last_seen_at: ctx.now() } : { last_seen_at: ctx.now(), expires_at: expiresAt };
      return (
        count(
          (
            await db
              .updateTable('auth_sessions')
              .set(set)
              .where('id', '=', id)
              .where('revoked_at', 'is', null)
              .executeTakeFirst()
          ).numUpdatedRows,
        ) > 0
      );
    },
    async revoke(id) {
      const r = await db
        .updateTable('auth_sessions')
        .set({ revoked_at: ctx.now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return count(r.numUpdatedRows) > 0;
    },
    async revokeAllForUser(userId) {
      const r = await db
        .updateTable('auth_sessions')
        .set({ revoked_at: ctx.now() })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return count(r.numUpdatedRows);
    },
    async listForUser(userId) {
      return db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute();
    },
    async deleteExpired() {
      const now = ctx.now();
      const r = await db
        .deleteFrom('auth_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('revoked_at', 'is not', null)]))
        .executeTakeFirst();
      return count(r.numDeletedRows);
    },
  };
}
