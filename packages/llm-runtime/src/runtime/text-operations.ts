import { UnsupportedOperationError } from '../errors/endpoint-errors.js';
import { ChatUnavailableError } from '../errors/index.js';
import type { CompleteRequest, EmbedRequest, EmbedResult, GenerateResult } from '../provider/index.js';
import { runQueued } from './queued-run.js';
import { isClosed, reasonNow, refusalNow, type RuntimeContext } from './runtime-context.js';

/** A plain completion on the active local model, queued like a chat reply. */
export async function completePrompt(context: RuntimeContext, request: CompleteRequest): Promise<GenerateResult> {
  const startedAt = performance.now();
  const refused = refusalNow(context);
  if (refused instanceof ChatUnavailableError) throw refused;
  const { local, providers, queue, inFlight } = context;
  if (providers.provider !== local) {
    throw new UnsupportedOperationError('plain completion runs on local models only; the active model is remote');
  }
  if (refused) throw refused;
  const queued = {
    queue,
    signal: request.signal,
    inFlight,
    modelId: () => providers.activeModelId(),
    unavailableReason: () => reasonNow(context),
    startedAt,
  };
  // The queue wait is not part of a completion's result.
  return runQueued(queued, () => local.complete(request, { startedAt }));
}

/** Embeddings from the dedicated embedding model or the active local model; never queued. */
export async function embedTexts(context: RuntimeContext, request: EmbedRequest): Promise<EmbedResult> {
  if (isClosed(context)) throw new ChatUnavailableError('the runtime is closed');
  const { local, providers, config, inFlight } = context;
  const activeIsRemote = providers.provider !== local;
  if (request.model !== config.embeddingModelId && activeIsRemote && request.model === providers.activeModelId()) {
    throw new UnsupportedOperationError(
      'embeddings run on local models only; the active model is remote (set EMBEDDING_MODEL)',
    );
  }
  const run = local.embed(request);
  inFlight.add(run);
  try {
    return await run;
  } finally {
    inFlight.delete(run);
  }
}
