/** Errors the store throws. */
export {
  ChatStoreError,
  InvalidCursorError,
  MigrationError,
  ChatStoreClosedError,
  DuplicateError,
  DatabaseUnavailableError,
  unavailableReason,
  VectorsUnavailableError,
} from './chat-store-error.js';
export { AttachmentNotFoundError, AttachmentQuotaExceededError } from './attachment-errors.js';
export {
  StorageError,
  DatabaseBusyError,
  StorageFullError,
  StorageReadOnlyError,
  StorageCorruptError,
  toStorageError,
  type StorageFailure,
} from './storage-errors.js';
