/** A prepared chat turn answered as server-sent events: `start`, `token`s, then `done` or `error`. */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { StreamEvent } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import type { ChatTurns, PreparedTurn } from '../../chat-service/index.js';
import { describeError, STORAGE_ERROR_CODES } from '../../errors/index.js';

/**
 * Streams `turn` (user text `message`) as `/api/chat/stream` does; edit and regenerate answer the same way.
 * A client that hangs up aborts generation, and the reply is stored as far as it got.
 */
export function streamTurn(
  c: Context<AppEnv>,
  deps: AppDeps,
  turns: ChatTurns,
  turn: PreparedTurn,
  message: string,
): Response {
  const principal = c.var.principal;
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
      const result = await turns.run(principal, turn, message, controller.signal, {
        onStart: async ({ userMessage, assistantMessageId: id, modelId }) => {
          assistantMessageId = id;
          await send({
            type: 'start',
            session_id: turn.session.id,
            user_message: userMessage,
            assistant_message_id: id,
            model_id: modelId,
          });
        },
        // The promise tells the turn when the token has gone out: only what was sent is flushed to the store.
        onToken: (text) => (writes = writes.then(() => send({ type: 'token', text }))),
      });
      await writes;
      if (turns.isStopping()) {
        // SIGTERM cut the reply short: say so before the connection closes, instead of a "done" that looks final.
        await send({
          type: 'error',
          code: 'chat_unavailable',
          message:
            'Chat service is not available: the server is shutting down; the reply so far is stored, regenerate it once the server is back',
          assistant_message_id: result.assistant_message.id,
        });
        return;
      }
      await send({ type: 'done', message: result.assistant_message, stats: result.stats });
    } catch (err) {
      await writes.catch(() => {});
      const report = describeError(err);
      if (report.status >= 500 && report.code === 'internal_error') console.error('[chat] stream failed', err);
      const storage = STORAGE_ERROR_CODES.has(report.code);
      if (storage) deps.metrics?.countStorageError(report.code);
      await send({
        type: 'error',
        code: report.code,
        // The client has shown the words already; it must learn they are not saved.
        message: storage ? `The reply could not be stored: ${report.message}` : report.message,
        ...(assistantMessageId ? { assistant_message_id: assistantMessageId } : {}),
      }).catch(() => {});
    } finally {
      clearInterval(keepAlive);
    }
  });
}
