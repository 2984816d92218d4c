/** Named errors thrown by the chat store, each with the protocol error code apps/api answers with. */
import type { ErrorCode } from '@chat-studio/protocol';

/** Base class of every error the chat store throws on purpose. */
export class ChatStoreError extends Error {
  override readonly name: string = 'ChatStoreError';
  /** The protocol error code; apps/api maps it to an HTTP status. Subclasses name theirs. */
  readonly code: ErrorCode = 'internal_error';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A paging cursor could not be decoded. Callers should answer 400, never 500.
 *
 * @example
 * try {
 *   await store.sessions.list(userId, { cursor });
 * } catch (error) {
 *   if (error instanceof InvalidCursorError) return badRequest(error.message);
 *   throw error;
 * }
 */
export class InvalidCursorError extends ChatStoreError {
  override readonly name = 'InvalidCursorError';
  override readonly code = 'validation_error';
  constructor(message = 'Invalid cursor', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Migrating the database schema failed; the store was not opened. */
export class MigrationError extends ChatStoreError {
  override readonly name = 'MigrationError';
}

/** The store was used after `close()`. */
export class ChatStoreClosedError extends ChatStoreError {
  override readonly name = 'ChatStoreClosedError';
  constructor() {
    super('The chat store is closed');
  }
}

/**
 * A unique value (username, token hash, key hash) already exists. Callers should answer 409.
 *
 * @example
 * await store.users.create({ username: 'alice', password_hash }).catch((e) => {
 *   if (e instanceof DuplicateError) throw conflict('Username taken');
 *   throw e;
 * });
 */
export class DuplicateError extends ChatStoreError {
  override readonly name = 'DuplicateError';
  override readonly code = 'conflict';
}

/**
 * The database server cannot be reached (refused, reset, shut down, too many connections). Callers should answer
 * 503 `database_unavailable` with `Retry-After`; the request may succeed once the server is back.
 */
export class DatabaseUnavailableError extends ChatStoreError {
  override readonly name = 'DatabaseUnavailableError';
  override readonly code = 'database_unavailable';
  /** Seconds a client should wait before trying again. */
  readonly retryAfterSeconds = 5;
  constructor(reason: string, options?: ErrorOptions) {
    super(`The database is not available (${reason}); try again in a few seconds`, options);
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 is connection_exception.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

/** The short reason when `error` means "the database server cannot be reached", else undefined. */
export function unavailableReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  ) {
    return `${code}: ${error.message}`;
  }
  // A pool wraps the socket error of every address it tried in an AggregateError.
  if (error instanceof AggregateError) return error.errors.map(unavailableReason).find(Boolean);
  return UNAVAILABLE_MESSAGES.test(error.message) ? error.message : undefined;
}

/**
 * Search by meaning cannot run: sqlite-vec did not load on this platform, or no embedding model was recorded yet.
 * Callers answer 503 with the sentence.
 */
export class VectorsUnavailableError extends ChatStoreError {
  override readonly name = 'VectorsUnavailableError';
  override readonly code = 'chat_unavailable';
}
