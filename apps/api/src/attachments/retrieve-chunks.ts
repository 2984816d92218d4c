/** Which parts of large files a turn is given: one function, so vector ranking can be fused in behind it. */
import type { AttachmentChunkHit, AttachmentStorePort } from './store-port.js';

/** What {@link retrieveChunks} is asked. */
export interface RetrieveChunksRequest {
  userId: string;
  attachmentIds: readonly string[];
  /** The user's question. */
  query: string;
  limit: number;
}

/**
 * The chunks of `attachmentIds` most relevant to `query`, best first: full-text rank over the chunk text. When no
 * chunk shares a word with the question, each file's opening chunks instead (a summary question such as "what is
 * this about?" still gets the start of the document, not nothing).
 */
export async function retrieveChunks(
  store: Pick<AttachmentStorePort, 'searchChunks' | 'firstChunks'>,
  request: RetrieveChunksRequest,
): Promise<AttachmentChunkHit[]> {
  if (request.attachmentIds.length === 0 || request.limit <= 0) return [];
  const hits = await store.searchChunks(request.userId, {
    attachmentIds: request.attachmentIds,
    query: request.query,
    limit: request.limit,
  });
  if (hits.length > 0) return hits;
  const each = Math.max(1, Math.floor(request.limit / request.attachmentIds.length));
  const firsts = await Promise.all(request.attachmentIds.map((id) => store.firstChunks(request.userId, id, each)));
  return firsts.flat().slice(0, request.limit);
}
