/** One log line per request, with its id, route, status and duration. */
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';

/**
 * Logs one line per request: request id, method, route pattern, path, status and duration in ms. 5xx lines are
 * errors (with the error), 4xx warnings. Query strings and bodies are never logged: they can carry tokens and
 * message text. Streaming replies are logged when their headers go out.
 *
 * @example
 * app.use(requestId());
 * app.use(requestLogger(logger));
 */
export function requestLogger(logger: Logger) {
  return createMiddleware<{ Variables: { requestId: string; onBehalfOf?: string } }>(async (c, next) => {
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
    if (status >= 500) logger.error(c.error ? { ...line, err: c.error } : line, msg);
    else if (status >= 400) logger.warn(line, msg);
    else logger.info(line, msg);
  });
}
