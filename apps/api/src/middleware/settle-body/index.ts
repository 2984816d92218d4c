/**
 * Early refusals (413, 429) that keep the connection usable: the request body the client is still sending is read
 * and discarded before the answer goes out, so a keep-alive client reads the JSON error instead of failing with a
 * broken pipe (Node `fetch`: UND_ERR_SOCKET / EPIPE). A body past `maxBytes`, or one that does not arrive in time,
 * is not waited for: the answer then says `Connection: close`.
 */
import type { Context } from 'hono';

/** Most bytes read and discarded before answering; beyond it the connection is closed instead. */
export const DEFAULT_SETTLE_MAX_BYTES = 16 * 1024 * 1024;
/** How long to wait for the rest of the body. */
export const DEFAULT_SETTLE_TIMEOUT_MS = 5_000;

async function drain(body: ReadableStream<Uint8Array>, maxBytes: number, timeoutMs: number): Promise<boolean> {
  const reader = body.getReader();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    for (let read = 0; read <= maxBytes; ) {
      const chunk = await Promise.race([reader.read(), timedOut]);
      if (chunk === 'timeout') return false;
      if (chunk.done) return true;
      read += chunk.value.byteLength;
    }
    return false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/**
 * Before an early refusal: discards the unread request body, or marks the response `Connection: close` when the
 * body is too large, too slow, or already being read by someone else.
 *
 * @example
 * bodyLimit({ maxSize, onError: async (c) => { await settleRequestBody(c); throw new ApiError('payload_too_large', '…'); } });
 */
export async function settleRequestBody(
  c: Context,
  maxBytes = DEFAULT_SETTLE_MAX_BYTES,
  timeoutMs = DEFAULT_SETTLE_TIMEOUT_MS,
): Promise<void> {
  const body = c.req.raw.body;
  if (!body) return;
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  // A body someone started reading (a chunked body counted by bodyLimit) cannot be drained from here.
  if (!body.locked && !(declared > maxBytes) && (await drain(body, maxBytes, timeoutMs))) return;
  c.header('Connection', 'close');
}
