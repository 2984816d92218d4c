import type { ModelInfo } from '@chat-studio/protocol';
import { ModelLoadError, ModelNotFoundError } from '../errors/index.js';
import type { OpenAiCompatibleProvider } from '../openai-compatible/index.js';
import { displayModelsDir } from './display-models-dir.js';
import { isChoice, pickModel, type ModelChoice } from './pick-model.js';
import { isClosed, upstreamNames, type RuntimeContext } from './runtime-context.js';

/** The model to load at start, or why there is none, from what the folder and the upstreams list now. */
async function chooseModel(context: RuntimeContext) {
  const { local, remote, config } = context;
  return pickModel({
    local: await local.listModels(),
    remote: (await remote?.listModels()) ?? [],
    wanted: config.modelId,
    modelsDir: displayModelsDir(config.modelsDir),
    upstreamNames: remote ? upstreamNames(context) : undefined,
    upstreamsReason: () => (remote ? `no upstream listed a model (${describeUpstreams(remote)})` : ''),
  });
}

/** Starts loading `choice` in the background: failures surface through status and the unavailable reason. */
function loadInBackground(context: RuntimeContext, choice: ModelChoice): void {
  const target = choice.target === 'remote' && context.remote ? context.remote : context.local;
  context.providers.load(target, choice.model.id).catch(() => undefined);
}

/** At start: the embedding model and the first round of upstream checks, then the chosen model, in the background. */
export async function startRuntime(context: RuntimeContext): Promise<void> {
  if (context.providers.availability.kind !== 'unscanned') return;
  // The embedding model loads beside the chat model, in the background; its failure shows in embeddingStatus().
  void context.local.loadEmbeddingModel();
  // The first round of health checks is awaited so that remote models are known when start() resolves.
  await context.remote?.refresh();
  const choice = await chooseModel(context);
  if (isChoice(choice)) loadInBackground(context, choice);
  else context.providers.availability = choice;
}

/** With nothing to run at start, the first remote model an upstream lists later (or CHAT_MODEL's) becomes active. */
export async function adoptLateModel(context: RuntimeContext): Promise<void> {
  const waiting = () => {
    const kind = context.providers.availability.kind;
    return !isClosed(context) && (kind === 'no_model' || kind === 'not_found');
  };
  if (!context.remote || !waiting()) return;
  const choice = await chooseModel(context);
  if (!waiting()) return;
  if (isChoice(choice)) loadInBackground(context, choice);
  else context.providers.availability = choice;
}

/** Loads `id` (local first, else an upstream's) and makes it active; ModelNotFoundError or ModelLoadError. */
export async function setActiveModel(context: RuntimeContext, id: string): Promise<ModelInfo> {
  const { local, remote, config, providers } = context;
  const model = (await local.listModels()).find((candidate) => candidate.id === id);
  if (!model && remote && (await remote.listModels()).some((candidate) => candidate.id === id)) {
    // No load: the model is ready whenever a healthy upstream serves it (status and unavailableReason say so).
    return { ...(await providers.load(remote, id)), active: true };
  }
  if (!model) {
    const where = remote ? `${config.modelsDir} or on the upstreams (${upstreamNames(context)})` : config.modelsDir;
    throw new ModelNotFoundError(id, where);
  }
  if (model.status === 'broken') throw new ModelLoadError(id, `${model.file} is not a valid GGUF: ${model.error}`);
  return { ...(await providers.load(local, id)), active: true };
}

function describeUpstreams(remote: OpenAiCompatibleProvider): string {
  return remote
    .providerInfos()
    .map((info) => `${info.id}: ${info.reason ?? 'no models'}`)
    .join('; ');
}
