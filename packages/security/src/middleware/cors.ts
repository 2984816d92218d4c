import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface CorsAllowlistOptions {
  /** Origins allowed to call the API from a browser (CORS_ORIGINS, comma-separated). Defaults to none: CORS off. */
  origins?: string[];
}

/**
 * CORS for an explicit allowlist only; with no origins it adds nothing, so browsers keep the
 * same-origin policy. Credentials (cookies) are not shared cross-origin: other origins use API keys.
 *
 * @example
 * app.use('/api/*', corsAllowlist({ origins: parseOriginList(process.env.CORS_ORIGINS) }));
 */
export function corsAllowlist(options: CorsAllowlistOptions = {}): MiddlewareHandler {
  const origins = (options.origins ?? []).map((o) => o.replace(/\/+$/, ''));
  if (origins.length === 0) {
    return async (_c, next) => {
      await next();
    };
  }
  return cors({
    origin: (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Accept', 'Last-Event-ID'],
    exposeHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
    credentials: false,
  });
}

/**
 * Splits a comma-separated origin list (CORS_ORIGINS), dropping blanks and trailing slashes.
 *
 * @example
 * parseOriginList('https://a.example, https://b.example/') // ['https://a.example', 'https://b.example']
 */
export function parseOriginList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}
