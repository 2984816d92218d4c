/** Who is calling. `via` says how they proved it; `local` is AUTH=off. */
export interface Principal {
  userId: string;
  username: string;
  via: 'cookie' | 'api_key' | 'local';
  /** `admin` may switch models, read `/metrics` and manage users. The local user (AUTH=off) is always admin. */
  role: 'admin' | 'user';
  /** True for a service key (a front calling this server as its upstream): rate limits do not throttle it. */
  service?: boolean;
}

/** The single account every request acts as when AUTH=off. The id is a valid (all-zero) ULID. */
export const LOCAL_USER = Object.freeze({ id: '00000000000000000000000000', username: 'local' });
