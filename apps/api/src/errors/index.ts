export { ApiError, sessionNotFound } from './api-error.js';
export { onError, describeError, type ErrorReport } from './on-error.js';
