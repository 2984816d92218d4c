import type { Insertable, Selectable, Updateable } from 'kysely';

/** `auth_sessions`: login sessions; only the hash of the token is stored. */
export interface AuthSessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  revoked_at: number | null;
}

export type AuthSessionRow = Selectable<AuthSessionsTable>;
export type NewAuthSessionRow = Insertable<AuthSessionsTable>;
export type AuthSessionRowUpdate = Updateable<AuthSessionsTable>;
