/** Session routes: create, list, read, update, delete. */
import { Hono } from 'hono';
import { createSessionRequestSchema, listSessionsQuerySchema, updateSessionRequestSchema } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { jsonBody, queryParams } from '../../middleware/validate/index.js';
import { requireSession } from '../../ownership/index.js';
import { sessionNotFound } from '../../errors/index.js';
import { timeDb } from '../../observability/index.js';

/** `/api/chat/sessions`: create, list, read, update, delete. */
export function sessionRoutes({ store, config }: AppDeps) {
  const createSchema = createSessionRequestSchema(config.limits);
  const updateSchema = updateSessionRequestSchema(config.limits);
  const listSchema = listSessionsQuerySchema(config.limits);

  return new Hono<AppEnv>()
    .post('/', async (c) => {
      const body = await jsonBody(c, createSchema);
      const session = await store.sessions.create(c.var.principal.userId, body);
      return c.json(session, 201);
    })
    .get('/', async (c) => {
      const query = queryParams(c, listSchema);
      // Timed on the context: the list runs without the request-tracking AsyncLocalStorage (SELF_TIMED_ROUTES).
      // The page comes as JSON text, written from the rows without the page's objects (c.json's bytes and header).
      const json = await timeDb(c, () => store.sessions.listJson(c.var.principal.userId, query));
      return c.body(json, 200, { 'Content-Type': 'application/json' });
    })
    .get('/:id', async (c) => {
      return c.json(await requireSession(store, c.var.principal, c.req.param('id')));
    })
    .patch('/:id', async (c) => {
      const session = await requireSession(store, c.var.principal, c.req.param('id'));
      const body = await jsonBody(c, updateSchema);
      const updated = await store.sessions.update(c.var.principal.userId, session.id, body);
      if (!updated) throw sessionNotFound();
      return c.json(updated);
    })
    .delete('/:id', async (c) => {
      const session = await requireSession(store, c.var.principal, c.req.param('id'));
      if (!(await store.sessions.delete(c.var.principal.userId, session.id))) throw sessionNotFound();
      return c.body(null, 204);
    });
}
