/** Errors of export and import, with the chat and the field they are about. */
import { ChatStoreError } from '../errors/index.js';

/**
 * A file (or one chat in it) that cannot be imported: its message names the chat and the field. Nothing of that
 * chat was stored. Callers answer 400 (`code`).
 *
 * @example
 * new ImportFormatError('mapping.n2.parent: node "n9" does not exist', { chat: 'Trip plans (#3)', field: 'mapping.n2.parent' });
 */
export class ImportFormatError extends ChatStoreError {
  override readonly name = 'ImportFormatError';
  override readonly code = 'validation_error' as const;
  /** The chat: its title and position in the file, when known. */
  readonly chat: string | undefined;
  /** Dotted path of the offending field inside the chat (or the file). */
  readonly field: string | undefined;
  constructor(problem: string, where: { chat?: string; field?: string } = {}, options?: ErrorOptions) {
    const prefix = where.chat === undefined ? '' : `Chat ${where.chat}: `;
    const at = where.field === undefined ? '' : `${where.field}: `;
    super(`${prefix}${at}${problem}`, options);
    this.chat = where.chat;
    this.field = where.field;
  }
}

/** An import larger than the caller allows. Callers answer 413. */
export class ImportTooLargeError extends ChatStoreError {
  override readonly name = 'ImportTooLargeError';
  override readonly code = 'payload_too_large' as const;
}

/** A problem inside one chat of a foreign file, before the chat's name is attached by the reader. */
export class ChatFieldError extends Error {
  override readonly name = 'ChatFieldError';
  readonly code = 'validation_error' as const;
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
