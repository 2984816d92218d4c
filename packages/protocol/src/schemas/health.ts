import * as v from 'valibot';
import { LLM_STATES } from './llm.js';

/** `ok`: everything works; `degraded`: the API serves but chat or another part does not (see `reason`). */
export const HealthResponseSchema = v.object({
  status: v.picklist(['ok', 'degraded', 'down']),
  version: v.string(),
  uptime_s: v.number(),
  reason: v.nullable(v.string()),
  database: v.object({ ok: v.boolean(), error: v.nullable(v.string()) }),
  model: v.object({
    state: v.picklist(LLM_STATES),
    model_id: v.nullable(v.string()),
    reason: v.nullable(v.string()),
  }),
  /** Where rate limits are counted; `ok: false` while shared counters are unreachable and each process counts alone. */
  rate_limits: v.optional(
    v.object({ store: v.picklist(['memory', 'redis']), ok: v.boolean(), error: v.nullable(v.string()) }),
  ),
  /** The dedicated embedding model (EMBEDDING_MODEL), when one is configured; `error` makes health `degraded`. */
  embedding_model: v.optional(
    v.object({ model_id: v.string(), state: v.picklist(['idle', 'loading', 'ready', 'error']), reason: v.nullable(v.string()) }),
  ),
});
export type HealthResponse = v.InferOutput<typeof HealthResponseSchema>;
