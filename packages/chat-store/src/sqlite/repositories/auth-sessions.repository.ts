/** Login sessions. Only token hashes are stored; lookups ignore revoked and expired rows. */
import type { AuthSessionsRepository } from '../../contract/auth-sessions.js';
import { DuplicateError } from '../../errors/index.js';
import type { AuthSessionRow } from '../../contract/tables/index.js';
import { isUniqueViolation, type RepositoryContext } from './repository-context.js';

export function createAuthSessionsRepository(ctx: RepositoryContext): AuthSessionsRepository {
  const { db, sql } = ctx;
  return {
    async create(input) {
      const now = ctx.now();
      const row: AuthSessionRow = { id: ctx.newId(), ...input, created_at: now, last_seen_at: now, revoked_at: null };
      try {
        sql.run(db.insertInto('auth_sessions').values(row));
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateError('Token hash already exists', { cause: error });
        throw error;
      }
      return row;
    },
    async getByTokenHash(tokenHash) {
      return sql.get(
        db
          .selectFrom('auth_sessions')
          .selectAll()
          .where('token_hash', '=', tokenHash)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', ctx.now()),
      );
    },
    async touch(id, expiresAt) {
      const set =
        expiresAt === undefined ? { last_seen_at: ctx.now() } : { last_seen_at: ctx.now(), expires_at: expiresAt };
      return (
        sql.run(db.updateTable('auth_sessions').set(set).where('id', '=', id).where('revoked_at', 'is', null)).changes >
        0
      );
    },
    async revoke(id) {
      return (
        sql.run(
          db
            .updateTable('auth_sessions')
            .set({ revoked_at: ctx.now() })
            .where('id', '=', id)
            .where('revoked_at', 'is', null),
        ).changes > 0
      );
    },
    async revokeAllForUser(userId) {
      return sql.run(
        db
          .updateTable('auth_sessions')
          .set({ revoked_at: ctx.now() })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null),
      ).changes;
    },
    async listForUser(userId) {
      return sql.all(
        db.selectFrom('auth_sessions').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc'),
      );
    },
    async deleteExpired() {
      const now = ctx.now();
      return sql.run(
        db
          .deleteFrom('auth_sessions')
          .where((eb) => eb.or([eb('expires_at', '<=', now), eb('revoked_at', 'is not', null)])),
      ).changes;
    },
  };
}
