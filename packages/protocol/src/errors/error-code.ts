/**
 * Every machine-readable error code the API can return, with the HTTP status it maps to.
 * `apps/api` is the only place that turns errors into responses; it reads this table.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_error: 400,
  invalid_json: 400,
  /** A string with a lone surrogate (ill-formed UTF-16), which could not be stored as written. */
  invalid_text: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  chat_unavailable: 503,
  queue_full: 503,
  model_load_failed: 503,
  /** The database server cannot be reached; `Retry-After` says when to try again. */
  database_unavailable: 503,
  timeout: 504,
  /** Another connection held the database's write lock for the whole busy timeout; `Retry-After` says when to retry. */
  database_busy: 503,
  /** The disk holding the database is full. */
  storage_full: 507,
  /** The database file (or its folder) is read-only: reads work, writes do not. */
  storage_read_only: 503,
  /** A page of the database is damaged: restore a backup. */
  storage_corrupt: 503,
  /** A file larger than ATTACHMENT_MAX_BYTES (refused from its Content-Length, before the upload completes). */
  attachment_too_large: 413,
  /** A file type not in ATTACHMENT_TYPES, or an image while no model can see. */
  attachment_unsupported: 415,
  /** A damaged file: a PDF or DOCX whose text cannot be read. */
  attachment_unreadable: 422,
  /** The user's attachments would take more than ATTACHMENT_QUOTA_BYTES. */
  attachment_quota_exceeded: 413,
  /** No such attachment for this user (another user's is the same 404). */
  attachment_not_found: 404,
} as const;

/** Machine-readable error code carried in every error envelope. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** All error codes, for schemas and exhaustive checks. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** HTTP status for an error code. */
export function statusForErrorCode(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
