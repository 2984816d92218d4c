/** Chat routes: one JSON reply, or a stream of server-sent events. */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { prepareRequestSchema, sendRequestSchema, type PrepareResponse, type StreamEvent } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { jsonBody } from '../../middleware/validate/index.js';
import { describeError } from '../../errors/index.js';
import type { ChatTurns } from '../../chat-service/index.js';

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
      // The same history and params the next send will use, so the evaluated tokens are the ones it renders.
      const turn = await turns.prepare(c.var.principal, body.session_id, body.params);
      const status = turn.runtime.prepare({ messages: turn.history, params: turn.params, sessionKey: turn.session.id });
      return c.json({ status } satisfies PrepareResponse, status === 'preparing' ? 202 : 200);
    })
    .post('/send', async (c) => {
      const body = await jsonBody(c, schema);
      const turn = await turns.prepare(c.var.principal, body.session_id, body.params);
      // A client that hangs up on a non-streaming request should not keep the model busy either.
      const result = await turns.run(c.var.principal, turn, body.message, c.req.raw.signal);
      return c.json(result);
    })
    .post('/stream', async (c) => {
      const body = await jsonBody(c, schema);
      const principal = c.var.principal;
      const turn = await turns.prepare(principal, body.session_id, body.params);
      const controller = new AbortController();
      c.header('Cache-Control', 'no-cache, no-transform');
      c.header('X-Accel-Buffering', 'no');

      return streamSSE(c, async (stream) => {
        stream.onAbort(() => controller.abort());
        const send = (event: StreamEvent) => stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
        const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => {}), deps.config.keepAliveMs);
        keepAlive.unref();
        // Token writes are chained so they reach the socket in order without awaiting in the model's callback.
        let writes: Promise<unknown> = Promise.resolve();
        let assistantMessageId: string | undefined;
        try {
          const result = await turns.run(principal, turn, body.message, controller.signal, {
            onStart: async ({ userMessage, assistantMessageId: id, modelId }) => {
              assistantMessageId = id;
              await send({ type: 'start', session_id: turn.session.id, user_message: userMessage, assistant_message_id: id, model_id: modelId });
            },
            onToken: (text) => {
              writes = writes.then(() => send({ type: 'token', text }));
            },
          });
          await writes;
          if (turns.isStopping()) {
            // SIGTERM cut the reply short: say so before the connection closes, instead of a "done" that looks final.
            await send({
              type: 'error',
              code: 'chat_unavailable',
              message: 'Chat service is not available: the server is shutting down; the reply so far is stored, regenerate it once the server is back',
              assistant_message_id: result.assistant_message.id,
            });
            return;
          }
          await send({ type: 'done', message: result.assistant_message, stats: result.stats });
        } catch (err) {
          await writes.catch(() => {});
          const report = describeError(err);
          if (report.status >= 500 && report.code === 'internal_error') console.error('[chat] stream failed', err);
          await send({
            type: 'error',
            code: report.code,
            message: report.message,
            ...(assistantMessageId ? { assistant_message_id: assistantMessageId } : {}),
          }).catch(() => {});
        } finally {
          clearInterval(keepAlive);
        }
      });
    });
}
