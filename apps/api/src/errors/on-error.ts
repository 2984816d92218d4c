/** The one place where thrown errors become HTTP responses (protocol envelope, or OpenAI's shape under /v1). */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  ERROR_STATUS,
  errorEnvelope,
  statusForErrorCode,
  type ErrorCode,
  type OpenAiErrorBody,
} from '@chat-studio/protocol';
import { ApiError } from './api-error.js';

/**
 * Package errors by class name → protocol code. Names, not `instanceof`, so that a package
 * loaded twice (or a remote provider's error) still maps correctly.
 */
const CODE_BY_ERROR_NAME: Record<string, ErrorCode> = {
  InvalidCursorError: 'validation_error',
  ChatUnavailableError: 'chat_unavailable',
  QueueFullError: 'queue_full',
  QueueTimeoutError: 'timeout',
  ModelNotFoundError: 'not_found',
  ModelLoadError: 'model_load_failed',
  InsufficientMemoryError: 'model_load_failed',
  InputTooLongError: 'validation_error',
  UnsupportedOperationError: 'validation_error',
  AuthRequiredError: 'unauthorized',
  InvalidCredentialsError: 'unauthorized',
  InvalidApiKeyError: 'unauthorized',
  CsrfError: 'forbidden',
  ForbiddenError: 'forbidden',
  RateLimitedError: 'rate_limited',
  UserExistsError: 'conflict',
  UserNotFoundError: 'not_found',
  ApiKeyNotFoundError: 'not_found',
  InvalidUsernameError: 'validation_error',
  WeakPasswordError: 'validation_error',
  InvalidApiKeyNameError: 'validation_error',
  UpstreamRequestError: 'validation_error',
  InvalidRequestError: 'validation_error',
  DatabaseBusyError: 'database_busy',
  StorageFullError: 'storage_full',
  StorageReadOnlyError: 'storage_read_only',
  StorageCorruptError: 'storage_corrupt',
  DatabaseUnavailableError: 'database_unavailable',
};

/** Codes that mean the database could not do what a request asked; counted in `/metrics`. */
export const STORAGE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set([
  'database_busy',
  'storage_full',
  'storage_read_only',
  'storage_corrupt',
]);

/** What a package error may carry that becomes a header or a message prefix. */
interface KnownErrorShape {
  retryAfterSeconds?: number;
  reason?: string;
}

export interface ErrorReport {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
  headers: Record<string, string>;
}

/** Turns any thrown value into the status, code and message the API answers with. */
export function describeError(err: unknown): ErrorReport {
  if (err instanceof ApiError) {
    return {
      status: statusForErrorCode(err.code),
      code: err.code,
      message: err.message,
      details: err.details,
      headers: err.headers ?? {},
    };
  }
  if (err instanceof Error) {
    const code = CODE_BY_ERROR_NAME[err.name];
    if (code) {
      const known = err as Error & KnownErrorShape;
      const headers: Record<string, string> = {};
      if (typeof known.retryAfterSeconds === 'number')
        headers['Retry-After'] = String(Math.max(1, Math.ceil(known.retryAfterSeconds)));
      let message = err.message;
      if (code === 'chat_unavailable') message = `Chat service is not available: ${known.reason ?? err.message}`;
      if (code === 'queue_full' || code === 'timeout') message = `Chat service is busy: ${err.message}`;
      return { status: statusForErrorCode(code), code, message, headers };
    }
    // Security errors carry their protocol code; any other package may do the same.
    const own = (err as Error & { code?: unknown }).code;
    if (typeof own === 'string' && own in ERROR_STATUS) {
      const c = own as ErrorCode;
      // A runtime error about one request field (UnsupportedRequestError) names it, as OpenAI's `param`.
      const param = (err as Error & { param?: unknown }).param;
      return {
        status: statusForErrorCode(c),
        code: c,
        message: err.message,
        headers: {},
        ...(typeof param === 'string' ? { details: { param } } : {}),
      };
    }
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode =
      status === 413
        ? 'payload_too_large'
        : status === 401
          ? 'unauthorized'
          : status === 404
            ? 'not_found'
            : status >= 500
              ? 'internal_error'
              : 'bad_request';
    return { status, code, message: err.message || 'Request failed', headers: {} };
  }
  return { status: 500, code: 'internal_error', message: 'Internal server error', headers: {} };
}

const OPENAI_TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  405: 'invalid_request_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** `/v1` speaks OpenAI's error shape so that OpenAI clients raise their own typed errors. */
export function toOpenAiError(report: ErrorReport): OpenAiErrorBody {
  const details = (report.details ?? {}) as { param?: string; openai_code?: string };
  const code =
    details.openai_code ??
    (report.code === 'unauthorized'
      ? 'invalid_api_key'
      : report.code === 'rate_limited'
        ? 'rate_limit_exceeded'
        : report.code);
  return {
    error: {
      message: report.message,
      type: OPENAI_TYPE_BY_STATUS[report.status] ?? 'server_error',
      param: details.param ?? null,
      code,
    },
  };
}

/** True for routes that answer in OpenAI's shape. */
export function isOpenAiPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}

/** True for the Ollama API's routes (served on the OLLAMA_PORT listener, mounted at `/ollama`). */
export function isOllamaPath(path: string): boolean {
  return path === '/ollama' || path.startsWith('/ollama/');
}

/** Writes an error report as the response: OpenAI's shape under `/v1`, the protocol envelope elsewhere. */
export function errorResponse(c: Context, report: ErrorReport): Response {
  for (const [k, val] of Object.entries(report.headers)) c.header(k, val);
  // Ollama's API answers errors as `{"error": "<message>"}`.
  const body = isOllamaPath(c.req.path)
    ? { error: report.message }
    : isOpenAiPath(c.req.path)
      ? toOpenAiError(report)
      : errorEnvelope(report.code, report.message, report.details);
  return c.json(body, report.status as 500);
}

/** The single place where thrown errors become HTTP responses. */
export function onError(
  err: Error,
  c: Context,
  logger?: { error: (obj: object, msg: string) => void },
  onStorageError?: (code: ErrorCode) => void,
): Response {
  const report = describeError(err);
  if (STORAGE_ERROR_CODES.has(report.code)) {
    onStorageError?.(report.code);
    logger?.error({ err, method: c.req.method, path: c.req.path, code: report.code }, report.message);
  }
  if (report.status >= 500 && report.code === 'internal_error') {
    if (logger) logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    else console.error(`[api] ${c.req.method} ${c.req.path} failed:`, err);
  }
  return errorResponse(c, report);
}
