/** What the attachment routes and the prompt builder need from the store: chat-store's repository, on both back ends. */
export type {
  AttachmentChunkHit,
  AttachmentChunkInput,
  AttachmentsRepository as AttachmentStorePort,
  NewAttachment,
} from '@chat-studio/chat-store';
