import { USER_ROLES, USERNAME_PATTERN, type ApiKeyInfo, type User, type UserRole } from '@chat-studio/protocol';
import {
  AdminRequiredError,
  ApiKeyNotFoundError,
  InvalidApiKeyNameError,
  InvalidRoleError,
  InvalidCredentialsError,
  InvalidUsernameError,
  UserExistsError,
  UserNotFoundError,
  WeakPasswordError,
} from '../errors/index.js';
import {
  DEFAULT_SCRYPT_PARAMS,
  dummyVerifyPassword,
  hashPassword,
  verifyPassword,
  type ScryptParams,
} from '../passwords/index.js';
import { generateApiKey, generateSessionToken, hashToken } from '../tokens/index.js';
import type { ApiKeyRecord, AuthStorage, UserRecord } from './auth-storage.js';
import { LOCAL_USER, type Principal } from './principal.js';

export interface AuthServiceOptions extends AuthStorage {
  /** How long a login lasts. Defaults to 7 days. */
  sessionTtlMs?: number;
  /** scrypt cost for new hashes. Defaults to `DEFAULT_SCRYPT_PARAMS` (N=2^15, r=8, p=3). */
  scryptParams?: ScryptParams;
  /** `last_seen_at`/`last_used_at` are written at most this often per session or key. Defaults to 60,000 ms. */
  touchIntervalMs?: number;
  /** Clock, for tests. Defaults to `Date.now`. */
  now?: () => number;
}

export interface LoginResult {
  /** The session token: goes into the cookie, never stored. */
  token: string;
  user: User;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface CreatedApiKey {
  /** The whole key; shown once, never retrievable again. */
  key: string;
  info: ApiKeyInfo;
}

export interface AuthService {
  /** Session lifetime in milliseconds (the cookie's Max-Age). */
  readonly sessionTtlMs: number;
  /** Creates a user; the first account (the local user aside) is `admin` unless `role` says otherwise. */
  addUser(username: string, password: string, options?: { role?: UserRole }): Promise<User>;
  /** Makes the user an `admin` or a plain `user`. */
  setRole(username: string, role: string): Promise<User>;
  getUser(username: string): Promise<User>;
  /** Replaces the password and signs the user out everywhere. */
  setPassword(username: string, password: string): Promise<void>;
  /** Deletes the user with their sessions and keys (and, through the store's cascade, their chats). */
  deleteUser(username: string): Promise<void>;
  listUsers(): Promise<User[]>;
  /** Creates the AUTH=off account if missing. */
  ensureLocalUser(): Promise<User>;
  login(username: string, password: string): Promise<LoginResult>;
  logout(token: string): Promise<void>;
  authenticateSessionToken(token: string): Promise<Principal | null>;
  authenticateApiKey(key: string): Promise<Principal | null>;
  /** `service`: a key for a front calling this server as its upstream; only an admin's account may hold one. */
  createApiKey(userId: string, name: string, options?: { service?: boolean }): Promise<CreatedApiKey>;
  listApiKeys(userId: string): Promise<ApiKeyInfo[]>;
  revokeApiKey(userId: string, id: string): Promise<void>;
  deleteExpiredSessions(): Promise<void>;
}

const DAY_MS = 86_400_000;

function roleOf(row: UserRecord): UserRole {
  return row.role === 'admin' ? 'admin' : 'user';
}

function toUser(row: UserRecord): User {
  return { id: row.id, username: row.username, created_at: new Date(row.created_at).toISOString(), role: roleOf(row) };
}

function isService(row: ApiKeyRecord): boolean {
  return row.service === true || row.service === 1;
}

function toApiKeyInfo(row: ApiKeyRecord): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    ...(isService(row) ? { service: true } : {}),
  };
}

function isDisabled(row: UserRecord): boolean {
  return row.disabled === true || row.disabled === 1;
}

function checkPassword(password: string): void {
  if (password.length < 8) throw new WeakPasswordError();
  if (password.length > 1024) throw new WeakPasswordError('Password: at most 1024 characters');
}

/**
 * Bookkeeping writes (`last_used_at`, `last_seen_at`) must not decide whether a valid credential works: on a
 * read-only, full or busy database reads still succeed, and so does signing in with a key. A failed touch is dropped.
 */
async function bestEffort(write: () => unknown): Promise<void> {
  try {
    await write();
  } catch {
    // Recorded next time; the request itself only needed to read.
  }
}

/**
 * Accounts, logins and API keys on top of the store's repositories. Passwords are scrypt-hashed;
 * session tokens and API keys are stored only as SHA-256 hashes.
 *
 * @example
 * const store = await openChatStore({ path: 'data/chat_history.db' });
 * const auth = createAuthService(store); // the store has users, authSessions and apiKeys
 * await auth.addUser('alice', 'correct horse battery');
 * const { token } = await auth.login('alice', 'correct horse battery');
 * await auth.authenticateSessionToken(token); // { userId, username: 'alice', via: 'cookie' }
 */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const { users, authSessions, apiKeys } = options;
  const sessionTtlMs = options.sessionTtlMs ?? 7 * DAY_MS;
  const params = options.scryptParams ?? DEFAULT_SCRYPT_PARAMS;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;

  async function requireUser(username: string): Promise<UserRecord> {
    const row = await users.getByUsername(username);
    if (!row) throw new UserNotFoundError(username);
    return row;
  }

  async function activeUser(userId: string): Promise<UserRecord | null> {
    const row = await users.getById(userId);
    return row && !isDisabled(row) ? row : null;
  }

  return {
    sessionTtlMs,

    async addUser(username, password, options = {}) {
      if (!USERNAME_PATTERN.test(username)) throw new InvalidUsernameError(username);
      checkPassword(password);
      if (await users.getByUsername(username)) throw new UserExistsError(username);
      const password_hash = await hashPassword(password, params);
      // Someone must be able to switch models and manage users: the first real account is that someone.
      const first = (await users.list()).every((u) => u.id === LOCAL_USER.id);
      const role = options.role ?? (first ? 'admin' : 'user');
      try {
        return toUser(await users.create({ username, password_hash, role }));
      } catch (err) {
        // Lost a race with another writer: the store's unique index said no (its DuplicateError carries `conflict`).
        if (err instanceof Error && (err as { code?: unknown }).code === 'conflict')
          throw new UserExistsError(username);
        throw err;
      }
    },

    async getUser(username) {
      return toUser(await requireUser(username));
    },

    async setRole(username, role) {
      if (!(USER_ROLES as readonly string[]).includes(role)) throw new InvalidRoleError(role);
      const row = await requireUser(username);
      if (!(await users.setRole(row.id, role as UserRole))) throw new UserNotFoundError(username);
      return toUser({ ...row, role });
    },

    async setPassword(username, password) {
      checkPassword(password);
      const row = await requireUser(username);
      await users.setPasswordHash(row.id, await hashPassword(password, params));
      await authSessions.revokeAllForUser(row.id);
    },

    async deleteUser(username) {
      const row = await requireUser(username);
      if (!(await users.delete(row.id))) throw new UserNotFoundError(username);
    },

    async listUsers() {
      return (await users.list()).map(toUser);
    },

    async ensureLocalUser() {
      return toUser(await users.ensure(LOCAL_USER.id, LOCAL_USER.username));
    },

    async login(username, password) {
      const row = username.length <= 64 ? await users.getByUsername(username) : null;
      const ok = row?.password_hash
        ? await verifyPassword(password, row.password_hash)
        : await dummyVerifyPassword(password, params);
      if (!row || !ok || isDisabled(row)) throw new InvalidCredentialsError();
      const token = generateSessionToken();
      const expiresAt = now() + sessionTtlMs;
      await authSessions.create({ user_id: row.id, token_hash: hashToken(token), expires_at: expiresAt });
      return { token, user: toUser(row), expiresAt };
    },

    async logout(token) {
      const session = await authSessions.getByTokenHash(hashToken(token));
      if (session) await authSessions.revoke(session.id);
    },

    async authenticateSessionToken(token) {
      if (!token) return null;
      const session = await authSessions.getByTokenHash(hashToken(token));
      // The store filters expired rows too; checking here keeps a lagging clock or store honest.
      if (!session || session.expires_at <= now()) return null;
      const user = await activeUser(session.user_id);
      if (!user) return null;
      if (session.last_seen_at === undefined || now() - session.last_seen_at >= touchIntervalMs) {
        await bestEffort(() => authSessions.touch(session.id));
      }
      return { userId: user.id, username: user.username, via: 'cookie', role: roleOf(user) };
    },

    async authenticateApiKey(key) {
      if (!key) return null;
      const row = await apiKeys.getByHash(hashToken(key));
      if (!row || (row.revoked_at !== undefined && row.revoked_at !== null)) return null;
      const user = await activeUser(row.user_id);
      if (!user) return null;
      if (row.last_used_at === null || now() - row.last_used_at >= touchIntervalMs)
        await bestEffort(() => apiKeys.touch(row.id));
      // A service key keeps its power only while its owner is an admin.
      const role = roleOf(user);
      return {
        userId: user.id,
        username: user.username,
        via: 'api_key',
        role,
        ...(isService(row) && role === 'admin' ? { service: true } : {}),
      };
    },

    async createApiKey(userId, name, options = {}) {
      const trimmed = name.trim();
      if (trimmed.length === 0 || trimmed.length > 100) throw new InvalidApiKeyNameError();
      const owner = await users.getById(userId);
      if (!owner) throw new UserNotFoundError(userId);
      const service = options.service === true;
      if (service && roleOf(owner) !== 'admin') {
        throw new AdminRequiredError(
          `Only an administrator's account may hold a service key; "${owner.username}" is a plain user`,
        );
      }
      const { key, prefix } = generateApiKey();
      const row = await apiKeys.create({
        user_id: userId,
        name: trimmed,
        prefix,
        key_hash: hashToken(key),
        ...(service ? { service } : {}),
      });
      return { key, info: toApiKeyInfo(row) };
    },

    async listApiKeys(userId) {
      return (await apiKeys.listForUser(userId)).filter((k) => !k.revoked_at).map(toApiKeyInfo);
    },

    async revokeApiKey(userId, id) {
      if (!(await apiKeys.revoke(userId, id))) throw new ApiKeyNotFoundError(id);
    },

    async deleteExpiredSessions() {
      await authSessions.deleteExpired();
    },
  };
}
