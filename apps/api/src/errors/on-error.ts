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

/** Codes that mean the database could not do what a request asked; counted in `/metrics`. */
export const STORAGE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set([
  'database_busy',
  'storage_full',
  'storage_read_only',
  'storage_corrupt',
]);

/** What a package error may carry besides its code: a retry time, a reason, the request field it is about. */
interface KnownErrorShape {
  code?: unknown;
  retryAfterSeconds?: unknown;
  reason?: unknown;
  param?: unknown;
}

/**
 * The protocol code an error carries, if any. Read from the `code` property, not the class: a package loaded twice
 * (or a remote provider's error) still maps; driver codes (`ECONNREFUSED`, `SQLITE_BUSY`) are not protocol codes.
 */
export function codeOf(err: unknown): ErrorCode | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as KnownErrorShape).code;
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code) ? (code as ErrorCode) : undefined;
}

/** The request field an error names (`param`), if any. */
export function paramOf(err: unknown): string | undefined {
  const param = err instanceof Error ? (err as KnownErrorShape).param : undefined;
  return typeof param === 'string' ? param : undefined;
}

/** How the message of a package error with `code` reads on the wire: what the client can act on. */
const MESSAGE_BY_CODE: Partial<Record<ErrorCode, (err: Error & KnownErrorShape) => string>> = {
  chat_unavailable: (err) =>
    `Chat service is not available: ${typeof err.reason === 'string' ? err.reason : err.message}`,
  queue_full: (err) => `Chat service is busy: ${err.message}`,
  timeout: (err) => `Chat service is busy: ${err.message}`,
  // A defect's words are for the log, not the client.
  internal_error: () => 'Internal server error',
};

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
  const code = codeOf(err);
  if (code && err instanceof Error) {
    const known = err as Error & KnownErrorShape;
    const headers: Record<string, string> = {};
    if (typeof known.retryAfterSeconds === 'number')
      headers['Retry-After'] = String(Math.max(1, Math.ceil(known.retryAfterSeconds)));
    const message = MESSAGE_BY_CODE[code]?.(known) ?? err.message;
    // An error about one request field (UnsupportedRequestError) names it, as OpenAI's `param`.
    const param = paramOf(err);
    return {
      status: statusForErrorCode(code),
      code,
      message,
      headers,
      ...(param !== undefined ? { details: { param } } : {}),
    };
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
