/** API keys on PostgreSQL. Only key hashes and a display prefix are stored; lookups ignore revoked keys. */
import { DuplicateError } from '../../errors/index.js';
import type { ApiKeysRepository } from '../../contract/api-keys.js';
import type { ApiKeyRow } from '../../contract/tables/index.js';
import { count, isUniqueViolation, type PostgresContext } from './postgres-context.js';

export function createPostgresApiKeysRepository(ctx: PostgresContext): ApiKeysRepository {
  const { db } = ctx;
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
        await db.insertInto('api_keys').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateError('Key hash already exists', { cause: error });
        throw error;
      }
      return row;
    },
    async getByHash(keyHash) {
      return db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
    },
    async listForUser(userId) {
      return db
        .selectFrom('api_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },
    async revoke(userId, id) {
      const r = await db
        .updateTable('api_keys')
        .set({ revoked_at: ctx.now() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return count(r.numUpdatedRows) > 0;
    },
    async touch(id) {
      return (
        count(
          (await db.updateTable('api_keys').set({ last_used_at: ctx.now() }).where('id', '=', id).executeTakeFirst())
            .numUpdatedRows,
        ) > 0
      );
    },
  };
}
