/** Accounts. The security package hashes passwords; this only stores and finds rows. */
import { DuplicateError } from '../errors/index.js';
import type { UserRow } from '../tables/index.js';
import { isUniqueViolation, type RepositoryContext } from './repository-context.js';

export interface CreateUserInput {
  username: string;
  /** `null` for an account that cannot log in with a password (the built-in local user). */
  password_hash: string | null;
  /** Defaults to a new ULID. */
  id?: string;
  /** Defaults to `'user'`. */
  role?: UserRole;
}

/** `admin` may switch models, read `/metrics` and manage users. */
export type UserRole = 'admin' | 'user';

export interface UsersRepository {
  /** Throws `DuplicateError` when the username (case-insensitive) or id is taken. */
  create(input: CreateUserInput): Promise<UserRow>;
  getById(id: string): Promise<UserRow | undefined>;
  /** Case-insensitive. */
  getByUsername(username: string): Promise<UserRow | undefined>;
  list(): Promise<UserRow[]>;
  setPasswordHash(id: string, passwordHash: string | null): Promise<boolean>;
  setDisabled(id: string, disabled: boolean): Promise<boolean>;
  /** `false` when there is no such user. */
  setRole(id: string, role: UserRole): Promise<boolean>;
  /** Deletes the user, their auth sessions and API keys, and all their chat sessions and messages. */
  delete(id: string): Promise<boolean>;
  /** Returns the user with this id, creating it (without a password, as `admin`) if missing. Idempotent. */
  ensure(id: string, username: string): Promise<UserRow>;
}

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
