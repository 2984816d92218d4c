export { ApiError, sessionNotFound } from './api-error.js';
export { onError, errorResponse, describeError, toOpenAiError, isOpenAiPath, type ErrorReport } from './on-error.js';
