/**
 * Files whose chunks a crash cut short (SQLite writes a large file's chunks in batches after its row) are chunked
 * again from their stored bytes at start, one at a time: until then they take no part in retrieval.
 */
import type { UploadDeps } from './upload.js';
import { prepareAttachmentText } from './upload.js';
import type { AttachmentStorePort } from './store-port.js';

/** What {@link resumeChunking} needs: the store, and what an upload chunks with. */
export interface ResumeChunkingDeps extends Pick<UploadDeps, 'documents' | 'countTokens' | 'contextSize'> {
  store: Pick<AttachmentStorePort, 'unfinishedChunks' | 'content' | 'replaceChunks'>;
  /** Told of each file that could not be chunked again (it stays unfinished, retried at the next start). */
  onError?: (attachmentId: string, err: unknown) => void;
}

/** Chunks every unfinished file again; returns how many were completed. */
export async function resumeChunking(deps: ResumeChunkingDeps): Promise<number> {
  let done = 0;
  for (const file of await deps.store.unfinishedChunks()) {
    try {
      const stored = await deps.store.content(file.userId, file.id);
      // Deleted meanwhile: nothing to finish.
      if (!stored) continue;
      const prepared = await prepareAttachmentText(deps, { name: file.name, mime: file.mime, bytes: stored.bytes });
      if (await deps.store.replaceChunks(file.userId, file.id, prepared.chunks)) done++;
    } catch (err) {
      deps.onError?.(file.id, err);
    }
  }
  return done;
}
