import type { AuthSessionRow } from './tables/index.js';

export interface CreateAuthSessionInput {
  user_id: string;
  token_hash: string;
  /** Epoch milliseconds. */
  expires_at: number;
}

export interface AuthSessionsRepository {
  create(input: CreateAuthSessionInput): Promise<AuthSessionRow>;
  /** The session for this token hash if it is neither revoked nor expired. */
  getByTokenHash(tokenHash: string): Promise<AuthSessionRow | undefined>;
  /** Records activity now; optionally slides the expiry. */
  touch(id: string, expiresAt?: number): Promise<boolean>;
  revoke(id: string): Promise<boolean>;
  /** Revokes every live session of the user (e.g. after a password change); returns how many. */
  revokeAllForUser(userId: string): Promise<number>;
  listForUser(userId: string): Promise<AuthSessionRow[]>;
  /** Deletes expired and revoked sessions; returns how many. */
  deleteExpired(): Promise<number>;
}
