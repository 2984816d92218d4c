export { ChatStoreError, InvalidCursorError, MigrationError, ChatStoreClosedError, DuplicateError } from './chat-store-error.js';
