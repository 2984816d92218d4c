import type { ApiKeyRow } from './tables/index.js';

export interface CreateApiKeyInput {
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  /** A service key: rate limits do not throttle it. Defaults to false. */
  service?: boolean;
}

export interface ApiKeysRepository {
  create(input: CreateApiKeyInput): Promise<ApiKeyRow>;
  /** The key with this hash if it is not revoked. */
  getByHash(keyHash: string): Promise<ApiKeyRow | undefined>;
  /** The user's unrevoked keys, newest first. */
  listForUser(userId: string): Promise<ApiKeyRow[]>;
  /** Revokes one of the user's keys; `false` if the user has no such live key. */
  revoke(userId: string, id: string): Promise<boolean>;
  /** Records use now. */
  touch(id: string): Promise<boolean>;
}
