/** The errors extraction throws; each carries a protocol code that apps/api maps to HTTP. */
import type { ErrorCode } from '@chat-studio/protocol';

/** A file of a kind Chat Studio cannot read: an image (no vision model yet) or another binary. 415. */
export class AttachmentUnsupportedError extends Error {
  override readonly name = 'AttachmentUnsupportedError';
  readonly code = 'attachment_unsupported' satisfies ErrorCode;
}

/** A file of a supported kind whose content is damaged: a truncated PDF, a DOCX that is not a valid archive. 422. */
export class AttachmentUnreadableError extends Error {
  override readonly name = 'AttachmentUnreadableError';
  readonly code = 'attachment_unreadable' satisfies ErrorCode;
}

/** The message for any image: what it is, why it is refused, what to do. */
export function imageRefusal(name: string): AttachmentUnsupportedError {
  return new AttachmentUnsupportedError(
    `${name} is an image. Images need a vision model, which Chat Studio does not have yet: attach text, ` +
      'Markdown, source code, CSV, JSON, logs, PDF, DOCX or HTML instead.',
  );
}
