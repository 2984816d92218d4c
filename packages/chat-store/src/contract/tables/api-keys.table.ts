import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** `api_keys`: API keys; only the hash of the key and a display prefix are stored. */
export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** 1 for a service key (an upstream's caller): rate limits do not throttle it. */
  service: Generated<number>;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type ApiKeyRowUpdate = Updateable<ApiKeysTable>;
