/** Errors of the users/keys commands that are about the invocation, not the data. */
import type { ErrorCode } from '@chat-studio/protocol';

/** A problem with how the command was called; `exitCode` 2 prints the usage too. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  readonly code = 'bad_request' satisfies ErrorCode;
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Thrown when the user presses Ctrl-C at a password prompt. */
export class PromptCancelledError extends Error {
  override readonly name = 'PromptCancelledError';
  readonly code = 'bad_request' satisfies ErrorCode;
  constructor() {
    super('Cancelled');
  }
}
