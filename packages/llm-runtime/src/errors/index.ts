/** Named errors thrown by the LLM runtime, each with the protocol error code apps/api answers with. */
import type { ErrorCode } from '@chat-studio/protocol';

/** Base class so callers can tell runtime errors from everything else. */
export class LlmRuntimeError extends Error {
  /** The protocol error code; apps/api maps it to an HTTP status. Subclasses name theirs. */
  readonly code: ErrorCode = 'internal_error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Chat cannot run right now (no model, model loading or broken). `reason` is a sentence for the user.
 *
 * @example
 * throw new ChatUnavailableError('no model found in ./models: put a .gguf file there');
 */
export class ChatUnavailableError extends LlmRuntimeError {
  override readonly code = 'chat_unavailable';
  readonly reason: string;
  constructor(reason: string) {
    super(`chat unavailable: ${reason}`);
    this.reason = reason;
  }
}

/** Every sequence is busy and the wait queue is at its bound; retry after `retryAfterSeconds`. */
export class QueueFullError extends LlmRuntimeError {
  override readonly code = 'queue_full';
  readonly retryAfterSeconds: number;
  readonly queueLimit: number;
  constructor(queueLimit: number, retryAfterSeconds: number) {
    super(`generation queue is full (${queueLimit} waiting); retry in ${retryAfterSeconds} s`);
    this.queueLimit = queueLimit;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A request waited in the queue longer than `timeoutMs`. */
export class QueueTimeoutError extends LlmRuntimeError {
  override readonly code = 'timeout';
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`request waited ${timeoutMs} ms for a free sequence and timed out`);
    this.timeoutMs = timeoutMs;
  }
}

/** No model with this id exists in the models folder. */
export class ModelNotFoundError extends LlmRuntimeError {
  override readonly code = 'not_found';
  readonly modelId: string;
  constructor(modelId: string, where: string) {
    super(`model "${modelId}" not found in ${where}`);
    this.modelId = modelId;
  }
}

/** The model exists but could not be loaded; `reason` says why. */
export class ModelLoadError extends LlmRuntimeError {
  override readonly code = 'model_load_failed';
  readonly modelId: string;
  readonly reason: string;
  constructor(modelId: string, reason: string, options?: { cause?: unknown }) {
    super(`model "${modelId}" failed to load: ${reason}`, options);
    this.modelId = modelId;
    this.reason = reason;
  }
}

/** The model and its context would not fit in free memory. */
export class InsufficientMemoryError extends ModelLoadError {
  readonly requiredBytes: number;
  readonly freeBytes: number;
  constructor(modelId: string, requiredBytes: number, freeBytes: number) {
    super(
      modelId,
      `not enough memory: needs about ${formatMiB(requiredBytes)} but only ${formatMiB(freeBytes)} is free ` +
        '(lower LLAMA_CONTEXT_SIZE or LLAMA_SEQUENCES, or use a smaller quantization)',
    );
    this.requiredBytes = requiredBytes;
    this.freeBytes = freeBytes;
  }
}

/** The request itself is malformed (no messages, empty conversation). */
export class InvalidRequestError extends LlmRuntimeError {
  override readonly code = 'validation_error';
}

/**
 * A request field the runtime cannot honour (a JSON-schema keyword the grammar builder cannot express, tools on a
 * remote upstream, an unknown token id). `param` names the request field, `code` is protocol's `validation_error`,
 * so the API answers 400 naming it instead of ignoring it.
 */
export class UnsupportedRequestError extends LlmRuntimeError {
  override readonly code = 'validation_error';
  readonly param: string;
  constructor(param: string, message: string) {
    super(message);
    this.param = param;
  }
}

/** Download of a model file failed (offline, HTTP error, not a GGUF). */
export class ModelDownloadError extends LlmRuntimeError {}

function formatMiB(bytes: number): string {
  return `${Math.ceil(bytes / 1024 / 1024)} MiB`;
}

/** Short text of any thrown value, for `reason` fields. */
export function errorReason(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
