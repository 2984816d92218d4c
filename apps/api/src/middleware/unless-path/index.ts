/** Middleware skipped on a few exact paths, without hono/combine's per-request cost. */
import type { Env, MiddlewareHandler } from 'hono';

/**
 * Runs `middleware` except on the exact `paths` (compared with `c.req.path`, no patterns). hono/combine's `except`
 * composes a fresh middleware chain on every request (about 1% of a request's CPU under load, issue #18); an exact
 * path set answers the same question with one `Set` lookup.
 *
 * @example
 * app.use('/api/*', unlessPath(['/api/health', '/api/auth/login'], requireAuth()));
 */
export function unlessPath<E extends Env>(
  paths: readonly string[],
  middleware: MiddlewareHandler<E>,
): MiddlewareHandler<E> {
  const skip = new Set(paths);
  return (c, next) => (skip.has(c.req.path) ? next() : middleware(c, next));
}
