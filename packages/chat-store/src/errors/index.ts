/** Errors the store throws. */
export { ChatStoreError, InvalidCursorError, MigrationError, ChatStoreClosedError, DuplicateError } from './chat-store-error.js';
