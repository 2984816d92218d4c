/** Chat routes: one JSON reply, or a stream of server-sent events. */
import { Hono } from 'hono';
import { prepareRequestSchema, sendRequestSchema, type PrepareResponse } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { jsonBody } from '../../middleware/validate/index.js';
import type { ChatTurns } from '../../chat-service/index.js';
import { jsonResponse } from '../../streaming/index.js';
import { streamTurn } from './stream-turn.js';

/**
 * `POST /api/chat/send` (one JSON reply), `POST /api/chat/stream` (SSE), and `POST /api/chat/prepare` (read a chat's
 * history into the model while its user types; 202 when started, 200 when there was nothing to do).
 */
export function chatRoutes(deps: AppDeps, turns: ChatTurns) {
  const schema = sendRequestSchema(deps.config.limits);
  const prepareSchema = prepareRequestSchema(deps.config.limits);

  return new Hono<AppEnv>()
    .post('/prepare', async (c) => {
      const body = await jsonBody(c, prepareSchema);
      // The same history, params and staged files the next send will use, so the evaluated tokens are the ones it
      // renders.
      const status = await turns.preload(c.var.principal, body.session_id, body.params, body.attachments);
      return c.json({ status } satisfies PrepareResponse, status === 'preparing' ? 202 : 200);
    })
    .post('/send', async (c) => {
      const body = await jsonBody(c, schema);
      const turn = await turns.open(c.var.principal, body.session_id, body.params);
      await turns.attach(c.var.principal, turn, body.attachments);
      // The same events /stream writes, answered as one object: the stored turn. A client that hangs up on a
      // non-streaming request aborts it too, so it does not keep the model busy.
      return jsonResponse(c, {
        events: (signal) => turns.stream(c.var.principal, turn, body.message, signal),
        body: (event) => (event.type === 'done' ? event.turn : undefined),
      });
    })
    .post('/stream', async (c) => {
      const body = await jsonBody(c, schema);
      const turn = await turns.open(c.var.principal, body.session_id, body.params);
      await turns.attach(c.var.principal, turn, body.attachments);
      return streamTurn(c, deps, turns, turn, body.message);
    });
}
