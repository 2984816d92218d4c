/** Model routes: list, providers, status, switching the active model. */
import { Hono } from 'hono';
import { SetActiveModelRequestSchema, type LlmStatus } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { jsonBody } from '../../middleware/validate/index.js';
import { ApiError } from '../../errors/index.js';

const IDLE_STATUS: LlmStatus = {
  state: 'no_model',
  model_id: null,
  load_progress: 0,
  reason: 'no model runtime is configured',
  queue_depth: 0,
  queue_limit: 0,
  sequences_in_use: 0,
  sequences_total: 0,
  threads: null,
  gpu: null,
};

/** `/api/llm`: models, providers, status, switching the active model. */
export function llmRoutes({ runtime }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/models', async (c) => {
      if (!runtime) return c.json({ models: [], active_model_id: null });
      // One reading of the status for both fields, so that the list and /status agree while an upstream is down
      // (the model stays selected, `status.state` says it cannot answer now).
      const { model_id } = runtime.status();
      const models = (await runtime.listModels()).map((m) => ({ ...m, active: m.id === model_id }));
      return c.json({ models, active_model_id: model_id });
    })
    .get('/providers', async (c) => c.json({ providers: runtime ? await runtime.providers() : [] }))
    .get('/status', (c) => c.json(runtime ? runtime.status() : IDLE_STATUS))
    .post('/active-model', async (c) => {
      const { model_id } = await jsonBody(c, SetActiveModelRequestSchema);
      if (!runtime)
        throw new ApiError('chat_unavailable', 'Chat service is not available: no model runtime is configured');
      const model = await runtime.setActiveModel(model_id);
      return c.json({ model, status: runtime.status() });
    });
}
