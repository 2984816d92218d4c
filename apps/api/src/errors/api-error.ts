/** The API's own error with a protocol code. */
import type { ErrorCode } from '@chat-studio/protocol';

/** An error the API answers with a specific code; mapped to HTTP in the single `app.onError`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** The same 404 for a missing session and for someone else's: callers must not learn which. */
export function sessionNotFound(): ApiError {
  return new ApiError('not_found', 'Session not found');
}
