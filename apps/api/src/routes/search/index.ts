/** Search over the caller's own messages: by words, by meaning, or both fused; and the meaning-search setting. */
import { Hono } from 'hono';
import * as v from 'valibot';
import { searchQuerySchema, type SearchHit, type SearchMode } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { ApiError } from '../../errors/index.js';
import { jsonBody, queryParams } from '../../middleware/validate/index.js';
import { fuseByRank, meaningSearch } from '../../meaning/index.js';

/** The header `c.json` sets, for bodies that are JSON text already. */
const JSON_TYPE = { 'Content-Type': 'application/json' };

const settingsSchema = v.strictObject({ meaning_search: v.boolean('meaning_search must be true or false') });

/**
 * `GET /api/chat/search?q=&mode=`: search over the caller's own messages only (`mode` words|meaning|fused; unset:
 * fused for a user who turned meaning search on, else words). Meaning and fused answers are one page (no cursor).
 * `GET|PATCH /api/chat/search/settings`: `{ meaning_search }`, and the caller's embedding progress.
 */
export function searchRoutes(deps: AppDeps) {
  const { store, config } = deps;
  const schema = searchQuerySchema(config.limits);
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { q, limit, cursor, mode } = queryParams(c, schema);
      const userId = c.var.principal.userId;
      const chosen: SearchMode =
        mode ?? (cursor === undefined && (await store.vectors.isEnabled(userId)) ? 'fused' : 'words');
      // The store scopes every search by user id: another user's messages and vectors never match.
      // Word search answers the store's JSON text as it is: on SQLite it was serialized in the read-pool worker.
      if (chosen === 'words') return c.body(await store.searchJson(userId, q, { limit, cursor }), 200, JSON_TYPE);
      if (cursor !== undefined)
        throw new ApiError('validation_error', 'cursor pages word search only; meaning and fused give one page', {
          param: 'cursor',
        });
      if (!(await store.vectors.isEnabled(userId)))
        throw new ApiError('validation_error', 'mode=meaning needs search by meaning turned on in search settings', {
          param: 'mode',
        });
      const take = limit ?? 20;
      const meaning = await meaningSearch(deps, userId, q, take).catch((error: unknown) => {
        // Fused by default only: while no model can embed (loading, re-embedding), the answer is word search.
        if (mode === undefined && error instanceof ApiError && error.code === 'chat_unavailable') return null;
        throw error;
      });
      if (meaning === null) return c.body(await store.searchJson(userId, q, { limit }), 200, JSON_TYPE);
      if (chosen === 'meaning') return c.json({ items: meaning, next_cursor: null });
      const words: SearchHit[] = (await store.search(userId, q, { limit: take })).items;
      return c.json({ items: fuseByRank([words, meaning], take), next_cursor: null });
    })
    .get('/settings', async (c) => settings(deps, c.var.principal.userId))
    .patch('/settings', async (c) => {
      const body = await jsonBody(c, settingsSchema);
      const userId = c.var.principal.userId;
      await store.vectors.setEnabled(userId, body.meaning_search);
      deps.embedder?.nudge();
      return settings(deps, userId);
    });
}

async function settings(deps: AppDeps, userId: string): Promise<Response> {
  const [enabled, progress] = await Promise.all([
    deps.store.vectors.isEnabled(userId),
    deps.store.vectors.progress(userId),
  ]);
  return Response.json({
    meaning_search: enabled,
    embedding: { model: progress.model, dims: progress.dims, embedded: progress.embedded, total: progress.total },
  });
}
