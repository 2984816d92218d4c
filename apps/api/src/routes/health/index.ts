/** Health: database, model state and the reason when chat is unavailable. */
import { Hono } from 'hono';
import type { HealthResponse, LlmStatus } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';

const NO_RUNTIME_REASON = 'no model runtime is configured';

/** Current model state, also when no runtime was given. */
export function modelHealth(deps: AppDeps): HealthResponse['model'] {
  if (!deps.runtime) return { state: 'no_model', model_id: null, reason: NO_RUNTIME_REASON };
  const status: LlmStatus = deps.runtime.status();
  return { state: status.state, model_id: status.model_id, reason: deps.runtime.unavailableReason() };
}

/**
 * `GET /health` and `GET /api/health`: 200 `ok`, or `degraded` (chat unavailable, or shared rate-limit counters
 * unreachable); 503 `down` (database).
 */
export function healthRoutes(deps: AppDeps) {
  const startedAt = deps.startedAt ?? Date.now();
  const version = deps.version ?? '0.1.0';
  return new Hono<AppEnv>().get('/', async (c) => {
    let database: HealthResponse['database'];
    try {
      database = (await deps.store.ping()) ? { ok: true, error: null } : { ok: false, error: 'ping failed' };
    } catch (err) {
      database = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    const model = modelHealth(deps);
    const chatReason = model.reason ? `Chat service is not available: ${model.reason}` : null;
    const shared = deps.sharedState?.health();
    const rateLimits: NonNullable<HealthResponse['rate_limits']> = shared
      ? { store: 'redis', ok: shared.ok, error: shared.error }
      : { store: 'memory', ok: true, error: null };
    const limitsReason = rateLimits.ok ? null : `Rate limits are counted per process: Redis is not available: ${rateLimits.error}`;
    const embedding = deps.runtime?.embeddingStatus() ?? null;
    const embeddingReason = embedding?.state === 'error' ? `Embeddings are not available: EMBEDDING_MODEL ${embedding.reason}` : null;
    const degraded = [chatReason, limitsReason, embeddingReason].filter((reason) => reason !== null).join('; ') || null;
    const status: HealthResponse['status'] = !database.ok ? 'down' : degraded ? 'degraded' : 'ok';
    const body: HealthResponse = {
      status,
      version,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      reason: !database.ok ? `Database is not available: ${database.error}` : degraded,
      database,
      model,
      rate_limits: rateLimits,
      ...(embedding ? { embedding_model: { model_id: embedding.model_id, state: embedding.state, reason: embedding.reason } } : {}),
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body, database.ok ? 200 : 503);
  });
}
