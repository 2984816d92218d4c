/** Errors of the API and the single mapping of every error to an HTTP response. */
export { ApiError, sessionNotFound } from './api-error.js';
export {
  onError,
  errorResponse,
  STORAGE_ERROR_CODES,
  describeError,
  codeOf,
  paramOf,
  toOpenAiError,
  isOpenAiPath,
  type ErrorReport,
} from './on-error.js';
