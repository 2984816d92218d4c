/** An opened chat turn answered as server-sent events: `start`, `token`s, then `done` or `error`. */
import type { Context } from 'hono';
import type { StreamEvent } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import type { ChatTurns, OpenedTurn, TurnEvent } from '../../chat-service/index.js';
import { describeError, STORAGE_ERROR_CODES } from '../../errors/index.js';
import type { Metrics } from '../../observability/index.js';
import { sseResponse, type SseEncoder, type SseFrame } from '../../streaming/index.js';

/**
 * Streams `turn` (user text `message`) as `/api/chat/stream` does; edit and regenerate answer the same way.
 * A client that hangs up aborts generation, and the reply is stored as far as it got.
 */
export function streamTurn(
  c: Context<AppEnv>,
  deps: AppDeps,
  turns: ChatTurns,
  turn: OpenedTurn,
  message: string,
): Promise<Response> {
  const principal = c.var.principal;
  return sseResponse(c, {
    events: (signal) => turns.stream(principal, turn, message, signal),
    encoder: nativeEncoder(turn.session.id, deps),
    keepAliveMs: deps.config.keepAliveMs,
  });
}

/** The native API's events: the protocol's {@link StreamEvent}s, named by their `type`. */
export function nativeEncoder(
  sessionId: string,
  deps: { metrics?: Pick<Metrics, 'countStorageError'> | undefined },
): SseEncoder<TurnEvent> {
  const frame = (event: StreamEvent): SseFrame[] => [{ event: event.type, data: JSON.stringify(event) }];
  const failure = (error: unknown, assistantMessageId?: string): SseFrame[] => {
    const report = describeError(error);
    if (report.status >= 500 && report.code === 'internal_error') console.error('[chat] stream failed', error);
    const storage = STORAGE_ERROR_CODES.has(report.code);
    if (storage) deps.metrics?.countStorageError(report.code);
    return frame({
      type: 'error',
      code: report.code,
      // The client has shown the words already; it must learn they are not saved.
      message: storage ? `The reply could not be stored: ${report.message}` : report.message,
      ...(assistantMessageId ? { assistant_message_id: assistantMessageId } : {}),
    });
  };
  return {
    frames(event) {
      switch (event.type) {
        case 'start':
          return frame({
            type: 'start',
            session_id: sessionId,
            user_message: event.userMessage,
            assistant_message_id: event.assistantMessageId,
            model_id: event.modelId,
          });
        case 'token':
          return frame({ type: 'token', text: event.text });
        case 'done':
          return event.turn ? frame({ type: 'done', message: event.turn.assistant_message, stats: event.stats }) : [];
        case 'error':
          return failure(event.error, event.assistantMessageId);
        default:
          return [];
      }
    },
    fail: (error) => failure(error),
  };
}
