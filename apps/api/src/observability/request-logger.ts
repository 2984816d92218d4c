/** One log line per request, with its id, route, status and duration. */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { accessLogger } from './logger.js';

/**
 * Logs one line per request: request id, method, route pattern, path, status and duration in ms. 5xx lines are
 * errors (with the error), 4xx warnings. Query strings and bodies are never logged: they can carry tokens and
 * message text. At debug level a second line adds the user, route parameters, query names and body sizes.
 * Streaming replies are logged when their headers go out.
 *
 * @example
 * app.use(requestId());
 * app.use(requestLogger(logger));
 */
/** What a person debugging a request needs, without its text: who, the route's parameters, query names, body size. */
function requestDetail(
  c: Context<{ Variables: { requestId: string; principal?: { userId: string; username: string } } }>,
) {
  const principal = c.get('principal');
  const length = Number(c.req.header('content-length') ?? 0);
  return {
    user: principal ? { id: principal.userId, name: principal.username } : null,
    params: c.req.param(),
    // Names only: values can carry search words or tokens.
    query_keys: Object.keys(c.req.query()),
    body_bytes: Number.isFinite(length) ? length : null,
    response_bytes: Number(c.res.headers.get('content-length') ?? 0) || null,
  };
}

export function requestLogger(logger: Logger) {
  return createMiddleware<{
    Variables: { requestId: string; onBehalfOf?: string; principal?: { userId: string; username: string } };
  }>(async (c, next) => {
    const access = accessLogger(logger);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      req_id: c.get('requestId'),
      method: c.req.method,
      route: routePath(c),
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      // A front's service key says which of its users this is; the key's own user is in the front's log.
      ...(c.get('onBehalfOf') ? { on_behalf_of: c.get('onBehalfOf') } : {}),
    };
    const msg = `${line.method} ${line.path} ${status} ${line.duration_ms}ms`;
    if (logger.isLevelEnabled('debug'))
      logger.debug({ ...line, ...requestDetail(c) }, `${line.method} ${line.route} detail`);
    // A 503 from /health is the answer monitors asked for (the reason is in its body), not a server error.
    const healthAnswer = status === 503 && /^\/(api\/)?health\/?$/.test(c.req.path);
    if (status >= 500 && !healthAnswer) logger.error(c.error ? { ...line, err: c.error } : line, msg);
    else if (status >= 400) access.warn(line, msg);
    else access.info(line, msg);
  });
}
