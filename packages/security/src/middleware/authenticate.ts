import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { LOCAL_USER, type AuthService, type Principal } from '../auth/index.js';
import type { AuthMode } from '../auth-mode/index.js';
import { AdminRequiredError, AuthRequiredError, InvalidApiKeyError } from '../errors/index.js';
import { readSessionCookie } from './session-cookie.js';
import type { SecurityEnv } from './security-env.js';

export interface AuthenticateOptions {
  auth: Pick<AuthService, 'authenticateSessionToken' | 'authenticateApiKey'>;
  mode: AuthMode;
  /** The account every request acts as when mode is off. Defaults to `LOCAL_USER`. */
  localUser?: { id: string; username: string };
  /** Session cookie name. Defaults to `cs_session`. */
  cookieName?: string;
}

/** The API key from `Authorization: Bearer <key>`, if the header uses that scheme. */
export function readBearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/**
 * Works out who is calling and sets `c.var.principal`. Mode off: always the local user.
 * Mode on: a Bearer API key (an invalid one throws `InvalidApiKeyError`), else the session
 * cookie (an invalid one is ignored); with neither, `principal` stays unset and `requireAuth()`
 * decides.
 *
 * @example
 * app.use('/api/*', authenticate({ auth, mode: resolveAuthMode({ auth: process.env.AUTH, host }) }));
 * app.use('/api/sessions/*', requireAuth());
 */
export function authenticate(options: AuthenticateOptions) {
  const local: Principal = {
    userId: options.localUser?.id ?? LOCAL_USER.id,
    username: options.localUser?.username ?? LOCAL_USER.username,
    via: 'local',
    // With AUTH=off the one person at the keyboard runs the server: they are its admin.
    role: 'admin',
  };
  return createMiddleware<SecurityEnv>(async (c, next) => {
    if (options.mode === 'off') {
      c.set('principal', local);
      return next();
    }
    const bearer = readBearerToken(c);
    if (bearer !== undefined) {
      const principal = await options.auth.authenticateApiKey(bearer);
      if (!principal) throw new InvalidApiKeyError();
      c.set('principal', principal);
      return next();
    }
    const token = readSessionCookie(c, { cookieName: options.cookieName });
    if (token) {
      const principal = await options.auth.authenticateSessionToken(token);
      if (principal) c.set('principal', principal);
    }
    return next();
  });
}

/**
 * Throws `AuthRequiredError` (401) unless `authenticate()` found a principal.
 *
 * @example
 * app.use('/api/*', requireAuth());
 */
export function requireAuth() {
  return createMiddleware<SecurityEnv>(async (c, next) => {
    getPrincipal(c);
    return next();
  });
}

/**
 * Throws `AuthRequiredError` (401) without a principal and `AdminRequiredError` (403) unless the caller is an admin.
 *
 * @example
 * app.post('/api/llm/active-model', requireAdmin(), handler);
 */
export function requireAdmin() {
  return createMiddleware<SecurityEnv>(async (c, next) => {
    if (getPrincipal(c).role !== 'admin') throw new AdminRequiredError();
    return next();
  });
}

/**
 * The caller, or `AuthRequiredError` when there is none.
 *
 * @example
 * const { userId } = getPrincipal(c);
 */
export function getPrincipal(c: Context): Principal {
  const principal = c.get('principal') as Principal | undefined;
  if (!principal) throw new AuthRequiredError();
  return principal;
}
