import * as v from 'valibot';
import { ERROR_CODES, type ErrorCode } from './error-code.js';

/** One problem with a request field; `path` is dotted (`params.temperature`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The body of every error response: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    details?: unknown;
  };
}

export const ErrorEnvelopeSchema = v.object({
  error: v.object({
    code: v.picklist(ERROR_CODES),
    message: v.string(),
    details: v.optional(v.unknown()),
  }),
});

/**
 * Builds an error envelope.
 *
 * @example
 * errorEnvelope('not_found', 'Session not found') // { error: { code: 'not_found', message: 'Session not found' } }
 */
export function errorEnvelope(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** True when a value has the shape of an error envelope. */
export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return v.is(ErrorEnvelopeSchema, value);
}
