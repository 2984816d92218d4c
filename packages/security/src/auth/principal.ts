/** Who is calling. `via` says how they proved it; `local` is AUTH=off. */
export interface Principal {
  userId: string;
  username: string;
  via: 'cookie' | 'api_key' | 'local';
}

/** The single account every request acts as when AUTH=off. The id is a valid (all-zero) ULID. */
export const LOCAL_USER = Object.freeze({ id: '00000000000000000000000000', username: 'local' });
