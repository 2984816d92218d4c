/**
 * Response headers written straight onto Node's `ServerResponse` under @hono/node-server, where there is one.
 *
 * Why: a `c.header()` before the response, or `c.res.headers.set()` after it, makes Hono and @hono/node-server build
 * a fetch `Headers` object (undici: every name and value validated, the list sorted when read back) and then turn it
 * back into Node's header object. With the request id, the security headers and `Server-Timing` on every response
 * that was most of a `/health` request's own time (issue #18: hono's secureHeaders alone cost more CPU per request
 * than a whole bare node:http request). Headers set on the `ServerResponse` are merged by Node's `writeHead` with
 * the ones the response carries, which win on a clash. Under `app.request()` (tests, other runtimes) there is no
 * `ServerResponse` and the usual Hono calls run.
 */
import { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { secureHeaderList, secureHeaders, type SecureHeadersOptions } from '@chat-studio/security';

/** The Node response of this request when it is served by @hono/node-server and its headers are not sent yet. */
export function nodeResponse(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * Sets a response header before the response exists (`c.header` elsewhere).
 *
 * @example
 * setResponseHeader(c, 'X-Request-Id', id);
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeResponse(c);
  if (outgoing) outgoing.setHeader(name, value);
  else c.header(name, value);
}

/**
 * Appends a response header after the route answered (`c.res.headers.append` elsewhere).
 *
 * @example
 * appendResponseHeader(c, 'Server-Timing', 'db;dur=1.2');
 */
export function appendResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeResponse(c);
  if (outgoing) outgoing.appendHeader(name, value);
  else c.res.headers.append(name, value);
}

/**
 * `@chat-studio/security`'s {@link secureHeaders} with the same headers and values, written onto the Node response
 * before the route runs (the list is what that middleware sets, read once from a probe request). A route that sets
 * one of these headers itself keeps its value; none does today.
 *
 * @example
 * app.use(fastSecureHeaders());
 */
export function fastSecureHeaders(options: SecureHeadersOptions = {}): MiddlewareHandler {
  const fallback = secureHeaders(options);
  let list: readonly (readonly [string, string])[] | undefined;
  let pending: Promise<readonly (readonly [string, string])[]> | undefined;
  return createMiddleware(async (c, next) => {
    const outgoing = nodeResponse(c);
    if (!outgoing) return fallback(c, next);
    if (!list) {
      pending ??= secureHeaderList(options);
      list = await pending;
    }
    for (const [name, value] of list) outgoing.setHeader(name, value);
    await next();
  });
}
