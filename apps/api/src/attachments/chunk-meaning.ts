/** Vector rank for hybrid retrieval: the question embedded with the model the chunk vectors were made with. */
import type { ChatStore } from '@chat-studio/chat-store';
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import { embedTexts, meaningModel } from '../meaning/embed-texts.js';
import type { ChunkMeaningPort } from './retrieve-chunks.js';

/**
 * The meaning side of {@link retrieveChunks}: finds nothing (so words alone rank) while no model can embed, or the
 * model that can is not the one the chunks were embedded with (they are being embedded again).
 */
export function chunkMeaning(store: Pick<ChatStore, 'chunkVectors'>, runtime: LlmRuntime): ChunkMeaningPort {
  return {
    async search(request) {
      if (request.query.trim() === '') return [];
      const recorded = await store.chunkVectors.model();
      const model = meaningModel(runtime);
      if (!recorded || !model || recorded.model !== model) return [];
      // Files without a single vector yet: words alone, without waiting for the question's embedding.
      const progress = await Promise.all(
        request.attachmentIds.map((id) => store.chunkVectors.progress(request.userId, id)),
      );
      if (!progress.some((p) => (p?.embedded ?? 0) > 0)) return [];
      const [vector] = await embedTexts(runtime, model, [request.query]);
      if (!vector) return [];
      return store.chunkVectors.search(request.userId, {
        attachmentIds: request.attachmentIds,
        vector,
        model,
        limit: request.limit,
      });
    },
  };
}
