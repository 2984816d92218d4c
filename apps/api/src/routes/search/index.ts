/** Full-text search over the caller's own messages. */
import { Hono } from 'hono';
import { searchQuerySchema } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { queryParams } from '../../middleware/validate/index.js';

/** `GET /api/chat/search?q=`: full-text search over the caller's own messages only. */
export function searchRoutes({ store, config }: AppDeps) {
  const schema = searchQuerySchema(config.limits);
  return new Hono<AppEnv>().get('/', async (c) => {
    const { q, limit, cursor } = queryParams(c, schema);
    // The store scopes the search by user id: another user's messages never match.
    return c.json(await store.search(c.var.principal.userId, q, { limit, cursor }));
  });
}
