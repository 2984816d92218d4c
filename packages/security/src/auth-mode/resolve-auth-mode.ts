import { InvalidSecurityConfigError, UnsafeAuthModeError } from '../errors/index.js';
import { isLoopbackHost } from './is-loopback-host.js';

/** `on`: every API request needs a session cookie or API key. `off`: every request is the local user. */
export type AuthMode = 'on' | 'off';

export interface ResolveAuthModeOptions {
  /** The AUTH setting: `on`, `off`, or unset/empty for the default. */
  auth: string | undefined;
  /** The address the server listens on (HOST). */
  host: string;
}

/**
 * Decides whether authentication is on. Defaults to off on a loopback host and on elsewhere;
 * AUTH=off on a non-loopback host throws `UnsafeAuthModeError` so the server refuses to start.
 *
 * @example
 * resolveAuthMode({ auth: process.env.AUTH, host: '127.0.0.1' }) // 'off'
 * resolveAuthMode({ auth: undefined, host: '0.0.0.0' })          // 'on'
 * resolveAuthMode({ auth: 'off', host: '0.0.0.0' })              // throws UnsafeAuthModeError
 */
export function resolveAuthMode({ auth, host }: ResolveAuthModeOptions): AuthMode {
  const value = (auth ?? '').trim().toLowerCase();
  const loopback = isLoopbackHost(host);
  if (value === '') return loopback ? 'off' : 'on';
  if (value === 'on') return 'on';
  if (value === 'off') {
    if (!loopback) throw new UnsafeAuthModeError(host);
    return 'off';
  }
  throw new InvalidSecurityConfigError(`AUTH must be "on" or "off", got "${auth}"`);
}
