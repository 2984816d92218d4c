import { createMiddleware } from 'hono/factory';
import { CsrfError } from '../errors/index.js';
import { readBearerToken } from './authenticate.js';
import { requestOrigin } from './request-info.js';
import type { TrustProxy } from './security-env.js';

export interface CsrfOptions {
  /** Other origins allowed to make state-changing requests (CORS_ORIGINS). Defaults to none. */
  allowedOrigins?: string[];
  /** Believe `X-Forwarded-Proto/Host` when computing our own origin. Defaults to false. */
  trustProxy?: TrustProxy;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Rejects state-changing requests (POST/PUT/PATCH/DELETE) that a browser sent from another
 * origin, judged by `Sec-Fetch-Site` or else `Origin`; throws `CsrfError` (403). Requests with
 * `Authorization: Bearer` are exempt (a foreign page can't add that header without our CORS
 * approval), and so are requests with neither header (curl, scripts: no ambient cookie risk).
 * Unlike hono/csrf it checks every content type, JSON included, and it also guards AUTH=off,
 * where any local page could otherwise act as the local user.
 *
 * @example
 * app.use('/api/*', csrfProtection({ allowedOrigins: ['https://chat.example.com'] }));
 */
export function csrfProtection(options: CsrfOptions = {}) {
  const allowed = new Set((options.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
  return createMiddleware(async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || readBearerToken(c) !== undefined) return next();
    const site = c.req.header('sec-fetch-site')?.toLowerCase();
    const origin = c.req.header('origin')?.toLowerCase();
    const originAllowed =
      origin !== undefined && (origin === requestOrigin(c, options).toLowerCase() || allowed.has(origin));
    if (site !== undefined) {
      // The browser computed this one itself; pages can't forge it.
      if (site === 'same-origin' || (origin !== undefined && allowed.has(origin))) return next();
      throw new CsrfError(`Cross-origin request rejected (Sec-Fetch-Site: ${site})`);
    }
    if (origin === undefined || originAllowed) return next();
    throw new CsrfError(`Cross-origin request rejected (Origin: ${origin})`);
  });
}
