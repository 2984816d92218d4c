/**
 * Which parts of large files a turn is given: full-text rank and vector rank fused by reciprocal rank (hybrid
 * retrieval), by words alone while a file's vectors are missing.
 */
import { RRF_K } from '../meaning/meaning-search.js';
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
 * Ranks chunks by meaning: the caller's chunks of `attachmentIds` nearest to `query`, best first; empty when no
 * vectors can be compared (no model, another model, not embedded yet). See `chunkMeaning`.
 */
export interface ChunkMeaningPort {
  search(request: RetrieveChunksRequest): Promise<AttachmentChunkHit[]>;
}

/** Candidates each ranking contributes to the fusion, per chunk the turn keeps: room for the other list to agree. */
const CANDIDATES_PER_RESULT = 2;

function chunkKey(hit: AttachmentChunkHit): string {
  return `${hit.attachment_id}\u0000${hit.ordinal}`;
}

/**
 * Reciprocal-rank fusion of ranked chunk lists: each chunk scores Σ 1/(RRF_K + position) over the lists it is in;
 * `rank` becomes the negated fused score (lower is better, as for word rank). A chunk in several lists keeps the
 * first list's fields.
 */
export function fuseChunks(lists: readonly (readonly AttachmentChunkHit[])[], limit: number): AttachmentChunkHit[] {
  const fused = new Map<string, { hit: AttachmentChunkHit; score: number }>();
  for (const list of lists)
    list.forEach((hit, i) => {
      const entry = fused.get(chunkKey(hit)) ?? { hit, score: 0 };
      entry.score += 1 / (RRF_K + i + 1);
      fused.set(chunkKey(hit), entry);
    });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ hit, score }) => ({ ...hit, rank: -score }));
}

/**
 * The chunks of `attachmentIds` most relevant to `query`, best first: full-text rank over the chunk text fused with
 * vector rank when `meaning` is given (files still being indexed take part by words, and by the vectors they have
 * so far). When neither finds anything (no shared word, no vectors), each file's opening chunks instead: a summary
 * question such as "what is this about?" still gets the start of the document, not nothing.
 */
export async function retrieveChunks(
  store: Pick<AttachmentStorePort, 'searchChunks' | 'firstChunks'>,
  request: RetrieveChunksRequest,
  meaning?: ChunkMeaningPort,
): Promise<AttachmentChunkHit[]> {
  if (request.attachmentIds.length === 0 || request.limit <= 0) return [];
  const candidates = { ...request, limit: request.limit * (meaning ? CANDIDATES_PER_RESULT : 1) };
  const [words, vectors] = await Promise.all([
    store.searchChunks(request.userId, candidates),
    // Retrieval never fails for want of vectors: words alone answer then.
    meaning ? meaning.search(candidates).catch((): AttachmentChunkHit[] => []) : [],
  ]);
  if (vectors.length > 0) return fuseChunks([words, vectors], request.limit);
  if (words.length > 0) return words.slice(0, request.limit);
  const each = Math.max(1, Math.floor(request.limit / request.attachmentIds.length));
  const firsts = await Promise.all(request.attachmentIds.map((id) => store.firstChunks(request.userId, id, each)));
  return firsts.flat().slice(0, request.limit);
}
