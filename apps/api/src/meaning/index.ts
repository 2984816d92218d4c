/** Search by meaning: the background embedder, the meaning search and its fusion with word search. */
export {
  createBackgroundEmbedder,
  type BackgroundEmbedder,
  type BackgroundEmbedderOptions,
  type EmbeddingWorkStatus,
} from './background-embedder.js';
export { meaningSearch, fuseByRank, RRF_K } from './meaning-search.js';
export { embedTexts, meaningModel } from './embed-texts.js';
export {
  createChunkEmbedder,
  noEmbeddingModelReason,
  type ChunkEmbedder,
  type ChunkEmbedderOptions,
  type ChunkEmbedderStatus,
  type ChunkIndexingReport,
} from './chunk-embedder.js';
