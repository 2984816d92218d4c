/** Named errors thrown by the chat store, so callers can map them without parsing messages. */

/** Base class of every error the chat store throws on purpose. */
export class ChatStoreError extends Error {
  override readonly name: string = 'ChatStoreError';
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
}
