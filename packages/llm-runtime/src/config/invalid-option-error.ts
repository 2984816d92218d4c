import type { ErrorCode } from '@chat-studio/protocol';

/** Thrown for an env var or option that is not a valid number; `code` is protocol's, as on every package error. */
export class InvalidOptionError extends Error {
  readonly code: ErrorCode = 'validation_error';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOptionError';
  }
}
