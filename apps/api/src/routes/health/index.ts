/** Health: database, model state and the reason when chat is unavailable. */
import { Hono } from 'hono';
import type { HealthResponse, LlmStatus } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { STORAGE_CHECK_TTL_MS, storageCheck } from './storage-check.js';
import { setResponseHeader } from '../../middleware/node-headers/index.js';
import { timeDb } from '../../observability/index.js';

const NO_RUNTIME_REASON = 'no model runtime is configured';

/** Current model state, also when no runtime was given. */
export function modelHealth(deps: AppDeps): HealthResponse['model'] {
  if (!deps.runtime) return { state: 'no_model', model_id: null, reason: NO_RUNTIME_REASON };
  const status: LlmStatus = deps.runtime.status();
  return { state: status.state, model_id: status.model_id, reason: deps.runtime.unavailableReason() };
}

/**
 * `GET /health` and `GET /api/health`: `ok`, `degraded` (chat unavailable, writes failing, search index broken,
 * or shared rate-limit counters unreachable) or `down` (the database cannot be read), with the reason. The status
 * code is 503 whenever chat or storage requests would fail, 200 otherwise (unreachable Redis only makes limits
 * per-process: 200). `GET /health/live`: 200 while the process runs, for liveness probes.
 */
export function healthRoutes(deps: AppDeps) {
  const startedAt = deps.startedAt ?? Date.now();
  const version = deps.version ?? '0.1.0';
  const checkStorage = storageCheck(deps.store);
  // The embedding progress counts every opted-in user's messages (count(*) over a join): like the storage probe it
  // is computed at most once per STORAGE_CHECK_TTL_MS, not once per request (issue #18: /health per-request cost).
  const embedder = deps.embedder;
  const meaningStatus = embedder ? recentFor(STORAGE_CHECK_TTL_MS, () => embedder.status()) : undefined;
  // Large attachments' chunk indexing, counted from indexes and cached the same way.
  const chunkEmbedder = deps.chunkEmbedder;
  const chunkStatus = chunkEmbedder ? recentFor(STORAGE_CHECK_TTL_MS, () => chunkEmbedder.report()) : undefined;
  return new Hono<AppEnv>()
    .get('/live', (c) => {
      setResponseHeader(c, 'Cache-Control', 'no-store');
      return c.json({ status: 'ok', uptime_s: Math.round((Date.now() - startedAt) / 1000) });
    })
    .get('/', async (c) => {
      let database: HealthResponse['database'];
      try {
        // Timed on the context: health runs without the request-tracking AsyncLocalStorage (SELF_TIMED_ROUTES).
        database = (await timeDb(c, () => deps.store.ping()))
          ? { ok: true, error: null }
          : { ok: false, error: 'ping failed' };
      } catch (err) {
        database = { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      const storage = await timeDb(c, checkStorage);
      if (database.ok && storage.storage.state === 'down') database = { ok: false, error: storage.storage.reason };
      const model = modelHealth(deps);
      const chatReason = model.reason ? `Chat service is not available: ${model.reason}` : null;
      const shared = deps.sharedState?.health();
      const rateLimits: NonNullable<HealthResponse['rate_limits']> = shared
        ? { store: 'redis', ok: shared.ok, error: shared.error }
        : { store: 'memory', ok: true, error: null };
      const limitsReason = rateLimits.ok
        ? null
        : `Rate limits are counted per process: Redis is not available: ${rateLimits.error}`;
      // Reasons whose requests fail (503) come first; the Redis one only changes how limits are counted (200).
      const failing = [storage.reason, chatReason].filter((reason) => reason !== null);
      // A dedicated embedding model that failed fails only embedding requests: degraded, still 200.
      const embedding = deps.runtime?.embeddingStatus() ?? null;
      const embeddingReason =
        embedding?.state === 'error' ? `Embeddings are not available: EMBEDDING_MODEL ${embedding.reason}` : null;
      const degraded =
        [...failing, limitsReason, embeddingReason].filter((reason) => reason !== null).join('; ') || null;
      // Health never lies: a failing embedder is reported (degraded would hide nothing a request needs, so it stays ok).
      const meaning = database.ok && meaningStatus ? await meaningStatus().catch(() => undefined) : undefined;
      const chunks = database.ok && chunkStatus ? await chunkStatus().catch(() => undefined) : undefined;
      const status: HealthResponse['status'] = !database.ok ? 'down' : degraded ? 'degraded' : 'ok';
      const body: HealthResponse = {
        status,
        version,
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
        reason: !database.ok ? `Database is not available: ${database.error}` : degraded,
        database,
        model,
        storage: storage.storage,
        search_index: storage.searchIndex,
        rate_limits: rateLimits,
        ...(embedding
          ? { embedding_model: { model_id: embedding.model_id, state: embedding.state, reason: embedding.reason } }
          : {}),
        ...(meaning ? { meaning_search: meaning } : {}),
        ...(chunks ? { chunk_indexing: chunks } : {}),
      };
      setResponseHeader(c, 'Cache-Control', 'no-store');
      return c.json(body, !database.ok || failing.length > 0 ? 503 : 200);
    });
}

/** `get`'s answer, asked again at most once per `ttlMs` (concurrent callers share one call; a failure is not kept). */
function recentFor<T>(ttlMs: number, get: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= ttlMs) {
      const value = get();
      const entry = { at: now, value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = null;
      });
    }
    return cached.value;
  };
}
