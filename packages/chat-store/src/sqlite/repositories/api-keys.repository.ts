/** API keys. Only key hashes and a display prefix are stored; lookups ignore revoked keys. */
import type { ApiKeysRepository } from '../../contract/api-keys.js';
import { DuplicateError } from '../../errors/index.js';
import type { ApiKeyRow } from '../../contract/tables/index.js';
import { isUniqueViolation, type RepositoryContext } from './repository-context.js';

export function createApiKeysRepository(ctx: RepositoryContext): ApiKeysRepository {
  const { db, sql } = ctx;
  return {
    async create(input) {
      const row: ApiKeyRow = {
        id: ctx.newId(),
        ...input,
        service: input.service ? 1 : 0,
        created_at: ctx.now(),
        last_used_at: null,
        revoked_at: null,
      };
      try {
        sql.run(db.insertInto('api_keys').values(row));
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateError('Key hash already exists', { cause: error });
        throw error;
      }
      return row;
    },
    async getByHash(keyHash) {
      return sql.get(
        db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null),
      );
    },
    async listForUser(userId) {
      return sql.all(
        db
          .selectFrom('api_keys')
          .selectAll()
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc'),
      );
    },
    async revoke(userId, id) {
      return (
        sql.run(
          db
            .updateTable('api_keys')
            .set({ revoked_at: ctx.now() })
            .where('id', '=', id)
            .where('user_id', '=', userId)
            .where('revoked_at', 'is', null),
        ).changes > 0
      );
    },
    async touch(id) {
      return sql.run(db.updateTable('api_keys').set({ last_used_at: ctx.now() }).where('id', '=', id)).changes > 0;
    },
  };
}
