/** Embeddings on llama.cpp: the active chat model's, or a dedicated embedding model loaded beside it. */
import type { Llama, LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import {
  ChatUnavailableError,
  errorReason,
  InvalidRequestError,
  ModelLoadError,
  ModelNotFoundError,
} from '../errors/index.js';
import { InputTooLongError } from '../errors/endpoint-errors.js';
import type { EmbeddingModelStatus, EmbedRequest, EmbedResult } from '../provider/index.js';
import { scanModels } from '../registry/index.js';

import { MAX_EMBEDDING_CONTEXT } from './defaults.js';

export { MAX_EMBEDDING_CONTEXT };

/** Options for {@link createEmbedder}. */
export interface EmbedderOptions {
  /** The provider's llama.cpp instance (shared, so one backend serves both models). */
  llama: () => Promise<Llama>;
  modelsDir: string;
  /** A model id in `modelsDir` loaded for embeddings only (EMBEDDING_MODEL). Defaults to none. */
  embeddingModelId?: string;
  /** CPU threads for embedding. Defaults to 1. */
  threads?: number;
}

/** The active chat model as the embedder sees it. */
export interface ActiveModel {
  id: string;
  model: LlamaModel;
}

interface Dedicated {
  model: LlamaModel;
  context: LlamaEmbeddingContext;
}

/**
 * Embeds with an embedding context per model, made on first use. Requests run one at a time per process (an
 * embedding context evaluates one input at a time anyway), and vectors are scaled to unit length as OpenAI's and
 * Ollama's are, so a dot product is the cosine similarity.
 */
export function createEmbedder(options: EmbedderOptions) {
  const contexts = new WeakMap<LlamaModel, Promise<LlamaEmbeddingContext>>();
  let dedicated: Promise<Dedicated> | null = null;
  let state: EmbeddingModelStatus | null = options.embeddingModelId
    ? { model_id: options.embeddingModelId, state: 'idle', reason: null, dimensions: null }
    : null;
  let chain: Promise<unknown> = Promise.resolve();

  function contextFor(model: LlamaModel): Promise<LlamaEmbeddingContext> {
    let context = contexts.get(model);
    if (!context) {
      const size = Math.min(model.trainContextSize, MAX_EMBEDDING_CONTEXT);
      context = model.createEmbeddingContext({ contextSize: size, batchSize: size, threads: options.threads ?? 1 });
      contexts.set(model, context);
      context.catch(() => contexts.delete(model));
    }
    return context;
  }

  function loadDedicated(): Promise<Dedicated> {
    const id = options.embeddingModelId;
    if (!id) throw new Error('no embedding model is configured');
    dedicated ??= (async () => {
      state = { model_id: id, state: 'loading', reason: null, dimensions: null };
      try {
        const found = (await scanModels(options.modelsDir)).find((m) => m.id === id);
        if (!found) throw new ModelNotFoundError(id, options.modelsDir);
        if (found.status === 'broken')
          throw new ModelLoadError(id, `${found.file} is not a valid GGUF: ${found.error}`);
        const llama = await options.llama();
        const model = await llama.loadModel({ modelPath: found.path });
        const context = await contextFor(model);
        state = { model_id: id, state: 'ready', reason: null, dimensions: model.embeddingVectorSize };
        return { model, context };
      } catch (error) {
        state = { model_id: id, state: 'error', reason: errorReason(error), dimensions: null };
        dedicated = null;
        throw error;
      }
    })();
    return dedicated;
  }

  async function embedWith(
    modelId: string,
    context: LlamaEmbeddingContext,
    request: EmbedRequest,
    startedAt: number,
  ): Promise<EmbedResult> {
    // The context holds the input plus the BOS/EOS tokens the model adds, with one position to spare.
    const contextSize = Math.min(context.model.trainContextSize, MAX_EMBEDDING_CONTEXT);
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const [index, input] of request.input.entries()) {
      if (request.signal?.aborted) throw request.signal.reason;
      let tokens: Token[] = typeof input === 'string' ? context.model.tokenize(input) : (input as Token[]);
      if (tokens.length === 0) throw new InvalidRequestError(`input ${index} is empty`);
      const extra = context.calculateInputLength(tokens) - tokens.length;
      const limit = contextSize - 1 - extra;
      if (tokens.length > limit) {
        if (!request.truncate) throw new InputTooLongError(index, tokens.length, limit);
        tokens = tokens.slice(0, limit);
      }
      const embedding = await context.getEmbeddingFor(tokens);
      vectors.push(normalize(embedding.vector));
      promptTokens += tokens.length;
    }
    return { modelId, vectors, promptTokens, totalMs: Math.round(performance.now() - startedAt) };
  }

  return {
    /** Embeds `request.input` with the dedicated model when `request.model` names it, else with the active model. */
    embed(request: EmbedRequest, active: ActiveModel | null): Promise<EmbedResult> {
      const startedAt = performance.now();
      const run = chain.then(async () => {
        if (options.embeddingModelId && request.model === options.embeddingModelId) {
          const { context } = await loadDedicated().catch((error: unknown) => {
            throw new ChatUnavailableError(
              `the embedding model "${request.model}" could not be loaded: ${errorReason(error)}`,
            );
          });
          return embedWith(request.model, context, request, startedAt);
        }
        if (!active || active.id !== request.model) {
          const known = options.embeddingModelId
            ? `"${options.embeddingModelId}" (EMBEDDING_MODEL) or the active model`
            : 'the active model';
          throw new ModelNotFoundError(
            request.model,
            `the models that embed here: ${known}${active ? ` "${active.id}"` : ''}`,
          );
        }
        return embedWith(active.id, await contextFor(active.model), request, startedAt);
      });
      chain = run.catch(() => undefined);
      return run;
    },
    /** Loads EMBEDDING_MODEL now (at start), so the first request does not wait; never rejects. */
    async load(): Promise<void> {
      if (options.embeddingModelId) await loadDedicated().catch(() => undefined);
    },
    status: (): EmbeddingModelStatus | null => state,
    /** Frees the embedding context of a chat model that is being unloaded. */
    async release(model: LlamaModel): Promise<void> {
      const context = contexts.get(model);
      contexts.delete(model);
      await (await context?.catch(() => null))?.dispose();
    },
    async close(): Promise<void> {
      const current = await dedicated?.catch(() => null);
      dedicated = null;
      if (current) {
        await current.context.dispose();
        await current.model.dispose();
      }
    },
  };
}

export type Embedder = ReturnType<typeof createEmbedder>;

function normalize(vector: readonly number[]): number[] {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const length = Math.sqrt(sum);
  return length > 0 ? vector.map((value) => value / length) : [...vector];
}
