/** Which model a request may name: the active one, as /v1/chat/completions decides. */
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import { ApiError } from '../../../errors/index.js';

/** 404 `model_not_found` unless `model` is the runtime's active model; the message says which one is. */
export async function requireActiveModel(runtime: LlmRuntime, model: string): Promise<void> {
  const active = runtime.status().model_id;
  if (model === active) return;
  const known = (await runtime.listModels()).some((m) => m.id === model);
  throw new ApiError(
    'not_found',
    known
      ? `The model '${model}' is not loaded; the active model is '${active}' (switch with POST /api/llm/active-model)`
      : `The model '${model}' does not exist; the active model is '${active}'`,
    { param: 'model', openai_code: 'model_not_found' },
  );
}
