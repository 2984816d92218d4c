/** Request ids: kept from X-Request-Id when safe, else generated, and echoed. */
import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { setResponseHeader } from '../node-headers/index.js';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Gives every request an id (kept from `X-Request-Id` when safe) and echoes it in the response. */
export function requestId() {
  return createMiddleware<{ Variables: { requestId: string } }>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    // Straight onto Node's response where there is one: no fetch Headers object per request (issue #18).
    setResponseHeader(c, 'X-Request-Id', id);
    await next();
  });
}
