import type { UserRow } from './tables/index.js';

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
