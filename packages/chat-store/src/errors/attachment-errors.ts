/** Errors of attachments in the store, each with the protocol code apps/api answers with. */
import { ChatStoreError } from './chat-store-error.js';

/** No such attachment for this user (another user's reads the same), or one already sent with a message. */
export class AttachmentNotFoundError extends ChatStoreError {
  override readonly name = 'AttachmentNotFoundError';
  override readonly code = 'attachment_not_found';
  constructor(
    message = 'Attachment not found: it was deleted, already sent, or never uploaded by you; attach the file again',
  ) {
    super(message);
  }
}

/** Storing the file would take the user's attachments past the quota; nothing was stored. */
export class AttachmentQuotaExceededError extends ChatStoreError {
  override readonly name = 'AttachmentQuotaExceededError';
  override readonly code = 'attachment_quota_exceeded';
  constructor(
    readonly quotaBytes: number,
    readonly usedBytes: number,
    readonly addingBytes: number,
  ) {
    super(
      `Your attachments would take ${usedBytes + addingBytes} bytes, more than your quota of ${quotaBytes} bytes (ATTACHMENT_QUOTA_BYTES): delete chats or messages with files you no longer need, then attach it again`,
    );
  }
}
