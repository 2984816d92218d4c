/**
 * The storage the auth service needs, written structurally so that `@chat-studio/chat-store`'s
 * repositories satisfy it without this package importing the store. Times are epoch milliseconds.
 * Methods may return values or promises.
 */

type MaybePromise<T> = T | Promise<T>;

export interface UserRecord {
  id: string;
  username: string;
  /** Null for accounts without a password (the local user). */
  password_hash: string | null;
  created_at: number;
  disabled: number | boolean;
  /** Absent on stores that predate roles: treated as `user`. */
  role?: string;
}

export interface AuthSessionRecord {
  id: string;
  user_id: string;
  expires_at: number;
  last_seen_at?: number;
}

export interface ApiKeyRecord {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at?: number | null;
  /** 1/true for a service key. */
  service?: number | boolean;
}

export interface UserRepository {
  create(input: { username: string; password_hash: string | null; role?: 'admin' | 'user' }): MaybePromise<UserRecord>;
  getById(id: string): MaybePromise<UserRecord | null | undefined>;
  /** Case-insensitive. */
  getByUsername(username: string): MaybePromise<UserRecord | null | undefined>;
  list(): MaybePromise<UserRecord[]>;
  setPasswordHash(id: string, passwordHash: string): MaybePromise<unknown>;
  delete(id: string): MaybePromise<boolean>;
  /** Sets the role; `false` when there is no such user. */
  setRole(id: string, role: 'admin' | 'user'): MaybePromise<boolean>;
  /** Creates the user with this id and name unless it exists; returns it either way. */
  ensure(id: string, username: string): MaybePromise<UserRecord>;
}

export interface AuthSessionRepository {
  create(input: { user_id: string; token_hash: string; expires_at: number }): MaybePromise<AuthSessionRecord>;
  /** Only sessions that are neither revoked nor expired. */
  getByTokenHash(tokenHash: string): MaybePromise<AuthSessionRecord | null | undefined>;
  /** Sets `last_seen_at` to now. */
  touch(id: string): MaybePromise<unknown>;
  revoke(id: string): MaybePromise<unknown>;
  revokeAllForUser(userId: string): MaybePromise<unknown>;
  deleteExpired(): MaybePromise<unknown>;
}

export interface ApiKeyRepository {
  create(input: {
    user_id: string;
    name: string;
    prefix: string;
    key_hash: string;
    service?: boolean;
  }): MaybePromise<ApiKeyRecord>;
  /** Only unrevoked keys. */
  getByHash(keyHash: string): MaybePromise<ApiKeyRecord | null | undefined>;
  /** Unrevoked keys of one user. */
  listForUser(userId: string): MaybePromise<ApiKeyRecord[]>;
  /** False when the key doesn't exist, belongs to someone else or is already revoked. */
  revoke(userId: string, id: string): MaybePromise<boolean>;
  /** Sets `last_used_at` to now. */
  touch(id: string): MaybePromise<unknown>;
}

/** The three repositories; `openChatStore()`'s result has all of them. */
export interface AuthStorage {
  users: UserRepository;
  authSessions: AuthSessionRepository;
  apiKeys: ApiKeyRepository;
}
