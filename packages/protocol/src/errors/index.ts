/** Error codes, their HTTP statuses and the error envelope. */
export { ERROR_STATUS, ERROR_CODES, statusForErrorCode, type ErrorCode } from './error-code.js';
export {
  ErrorEnvelopeSchema,
  errorEnvelope,
  isErrorEnvelope,
  type ErrorEnvelope,
  type FieldIssue,
} from './envelope.js';
