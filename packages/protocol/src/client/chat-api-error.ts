import type { ErrorCode } from '../errors/index.js';

/**
 * Thrown by the client for every non-2xx response; carries the envelope's code and details.
 *
 * @example
 * try { await client.getSession(id) } catch (e) { if (e instanceof ChatApiError && e.code === 'not_found') … }
 */
export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Headers,
  ) {
    super(message);
  }
}
