/**
 * Every named error class the runtime throws to its callers, listed once: the package entry re-exports this module,
 * and the worker thread's wire (`worker-provider/wire-error.ts`) re-creates a thrown error as its class by looking up
 * the error's name here, so a class exported to callers is one that survives the thread boundary.
 */
export {
  LlmRuntimeError,
  ChatUnavailableError,
  QueueFullError,
  QueueTimeoutError,
  ModelNotFoundError,
  ModelLoadError,
  InsufficientMemoryError,
  InvalidRequestError,
  UnsupportedRequestError,
  ModelDownloadError,
} from './index.js';
export { InputTooLongError, UnsupportedOperationError } from './endpoint-errors.js';
export { GgufFormatError } from '../registry/gguf-header/gguf-format-error.js';
