import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isHttpsRequest } from './request-info.js';
import type { TrustProxy } from './security-env.js';

/** Name of the session cookie. */
export const DEFAULT_SESSION_COOKIE = 'cs_session';

export interface SessionCookieOptions {
  /** Cookie name. Defaults to `cs_session`. */
  cookieName?: string;
  /** Whether `X-Forwarded-Proto` from a proxy decides `Secure`. Defaults to false. */
  trustProxy?: TrustProxy;
}

/**
 * Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Max-Age = ttl, and Secure when the
 * request came over https (a Secure cookie would be dropped on plain-http localhost).
 *
 * @example
 * const { token } = await auth.login(username, password);
 * setSessionCookie(c, token, auth.sessionTtlMs);
 */
export function setSessionCookie(c: Context, token: string, ttlMs: number, options: SessionCookieOptions = {}): void {
  setCookie(c, options.cookieName ?? DEFAULT_SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isHttpsRequest(c, options),
    maxAge: Math.max(0, Math.floor(ttlMs / 1000)),
  });
}

/**
 * Expires the session cookie (logout).
 *
 * @example
 * await auth.logout(readSessionCookie(c) ?? '');
 * clearSessionCookie(c);
 */
export function clearSessionCookie(c: Context, options: SessionCookieOptions = {}): void {
  deleteCookie(c, options.cookieName ?? DEFAULT_SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isHttpsRequest(c, options),
  });
}

/**
 * The session token from the request's cookie, if any.
 *
 * @example
 * readSessionCookie(c) // 'k2V…' or undefined
 */
export function readSessionCookie(
  c: Context,
  options: Pick<SessionCookieOptions, 'cookieName'> = {},
): string | undefined {
  return getCookie(c, options.cookieName ?? DEFAULT_SESSION_COOKIE) || undefined;
}
