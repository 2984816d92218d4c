/** Errors the store throws. */
export { ChatStoreError, InvalidCursorError, MigrationError, ChatStoreClosedError, DuplicateError, DatabaseUnavailableError, unavailableReason } from './chat-store-error.js';
