/** Accounts. The security package hashes passwords; this only stores and finds rows. */
import type { CreateUserInput, UsersRepository } from '../../contract/users.js';
import { DuplicateError } from '../../errors/index.js';
import type { UserRow } from '../../contract/tables/index.js';
import { isUniqueViolation, type RepositoryContext } from './repository-context.js';

export function createUsersRepository(ctx: RepositoryContext): UsersRepository {
  const { db, sql } = ctx;
  const getById = (id: string) => sql.get(db.selectFrom('users').selectAll().where('id', '=', id));

  function insert(input: CreateUserInput): UserRow {
    const row: UserRow = {
      id: input.id ?? ctx.newId(),
      username: input.username,
      password_hash: input.password_hash,
      created_at: ctx.now(),
      disabled: 0,
      role: input.role ?? 'user',
    };
    try {
      sql.run(db.insertInto('users').values(row));
    } catch (error) {
      if (isUniqueViolation(error) || (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new DuplicateError(`User ${JSON.stringify(input.username)} already exists`, { cause: error });
      }
      throw error;
    }
    return row;
  }

  return {
    async create(input) {
      return insert(input);
    },
    async getById(id) {
      return getById(id);
    },
    async getByUsername(username) {
      // The column is COLLATE NOCASE, so `=` is case-insensitive and uses the unique index.
      return sql.get(db.selectFrom('users').selectAll().where('username', '=', username));
    },
    async list() {
      return sql.all(db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id'));
    },
    async setPasswordHash(id, passwordHash) {
      return sql.run(db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id)).changes > 0;
    },
    async setDisabled(id, disabled) {
      return (
        sql.run(
          db
            .updateTable('users')
            .set({ disabled: disabled ? 1 : 0 })
            .where('id', '=', id),
        ).changes > 0
      );
    },
    async setRole(id, role) {
      return sql.run(db.updateTable('users').set({ role }).where('id', '=', id)).changes > 0;
    },
    async delete(id) {
      return sql.write(() => {
        // chat_sessions.user_id has no foreign key (the local user may have no users row), so delete explicitly.
        sql.run(db.deleteFrom('chat_sessions').where('user_id', '=', id));
        return sql.run(db.deleteFrom('users').where('id', '=', id)).changes > 0;
      });
    },
    async ensure(id, username) {
      return sql.write(() => getById(id) ?? insert({ id, username, password_hash: null, role: 'admin' }));
    },
  };
}
