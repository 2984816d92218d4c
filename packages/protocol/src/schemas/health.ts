import * as v from 'valibot';
import { LLM_STATES } from './llm.js';

/**
 * `ok`: everything works; `degraded`: the API serves but chat, writes or another part does not (see `reason`);
 * `down`: the database cannot be read. The HTTP status is 503 whenever chat or storage requests would fail (also
 * for `degraded`), 200 otherwise, so monitors that only read the status code see the outage.
 */
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
  /**
   * Whether requests can read and write now (a probe cached for a few seconds): `failure` is `database_busy`,
   * `storage_full`, `storage_read_only` or `storage_corrupt`.
   */
  storage: v.optional(
    v.object({
      state: v.picklist(['ok', 'degraded', 'down']),
      failure: v.nullable(v.string()),
      reason: v.nullable(v.string()),
    }),
  ),
  /** Whether the full-text index is Chat Studio's own and in step with the messages (SQLite). */
  search_index: v.optional(v.object({ ok: v.boolean(), problems: v.array(v.string()) })),
  /** Where rate limits are counted; `ok: false` while shared counters are unreachable and each process counts alone. */
  rate_limits: v.optional(
    v.object({ store: v.picklist(['memory', 'redis']), ok: v.boolean(), error: v.nullable(v.string()) }),
  ),
  /** The dedicated embedding model (EMBEDDING_MODEL), when one is configured; `error` makes health `degraded`. */
  embedding_model: v.optional(
    v.object({
      model_id: v.string(),
      state: v.picklist(['idle', 'loading', 'ready', 'error']),
      reason: v.nullable(v.string()),
    }),
  ),
  /**
   * Background embedding for search by meaning: `embedded` of `total` messages of the `users` who turned it on;
   * `state` off (no model can embed), idle, embedding or error (with `reason`). Present when the server embeds.
   */
  meaning_search: v.optional(
    v.object({
      state: v.picklist(['off', 'idle', 'embedding', 'error']),
      reason: v.nullable(v.string()),
      model: v.nullable(v.string()),
      dims: v.nullable(v.number()),
      users: v.number(),
      embedded: v.number(),
      total: v.number(),
    }),
  ),
  /**
   * Background embedding of large attachments' chunks (hybrid retrieval): chunked `files` per state, `embedded` of
   * `chunks`; `state` idle, embedding, waiting (a model is loading), off (no model can embed) or error (`reason`).
   * Present when the server embeds.
   */
  chunk_indexing: v.optional(
    v.object({
      state: v.picklist(['idle', 'embedding', 'waiting', 'off', 'error']),
      reason: v.nullable(v.string()),
      model: v.nullable(v.string()),
      dims: v.nullable(v.number()),
      files: v.object({ ready: v.number(), indexing: v.number(), error: v.number() }),
      chunks: v.number(),
      embedded: v.number(),
    }),
  ),
});
export type HealthResponse = v.InferOutput<typeof HealthResponseSchema>;
