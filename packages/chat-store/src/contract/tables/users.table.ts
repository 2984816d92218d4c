import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** `users`: accounts. `username` is unique case-insensitively. */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string | null;
  created_at: number;
  disabled: Generated<number>;
  /** `admin` or `user`; the first account created is `admin`. */
  role: Generated<'admin' | 'user'>;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserRowUpdate = Updateable<UsersTable>;
