/** The attachments repository of the upload route, nudging the chunk embedder after each file it stores. */
import type { AttachmentStorePort } from './store-port.js';

/**
 * `attachments` whose `create` wakes `embedder` once the file is stored, so a large file's chunks are embedded at
 * once rather than at the embedder's next look. Without an embedder, `attachments` itself.
 */
export function withIndexing(
  attachments: AttachmentStorePort,
  embedder: { nudge(): void } | undefined,
): AttachmentStorePort {
  if (!embedder) return attachments;
  return {
    ...attachments,
    async create(userId, input, options) {
      const created = await attachments.create(userId, input, options);
      if (created.chunked) embedder.nudge();
      return created;
    },
  };
}
