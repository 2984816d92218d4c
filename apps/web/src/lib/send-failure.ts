/** What a turn does when its request threw: the rules, pure, so they are tested without a server. */
import { ChatApiError } from '@chat-studio/protocol';
import type { Turn } from './turn-reducer.js';

/** Thrown when /api/chat/stream answered without a single event (not an event stream). */
export class NotAStreamError extends Error {
  override readonly name = 'NotAStreamError';
}

/**
 * - `abort`: the reader stopped it;
 * - `fall-back`: nothing arrived and a retry could work, so ask `/api/chat/send` instead;
 * - `withdraw`: refused before anything was stored (the exchange leaves the list, the error is shown);
 * - `fail`: it broke after `start` (the text so far stays, with the error under it).
 */
export type FailureAction = 'abort' | 'fall-back' | 'withdraw' | 'fail';

/**
 * Streaming failed before the server stored anything: is it worth retrying with /api/chat/send?
 * Yes for network errors and non-SSE answers; no for API errors that a retry would repeat.
 *
 * @example
 * shouldFallBack(new TypeError('Failed to fetch')) // true
 */
export function shouldFallBack(error: unknown): boolean {
  if (error instanceof NotAStreamError) return true;
  if (error instanceof ChatApiError)
    return error.status === 404 || error.status === 405 || error.status === 406 || error.status === 415;
  return true;
}

/**
 * Decides what a turn does with `error`. Edits and regenerated replies only stream, so they never fall back.
 *
 * @example
 * failureAction(turn, new ChatApiError(503, 'chat_unavailable', 'No model'), false) // 'withdraw' before `start`
 */
export function failureAction(turn: Turn, error: unknown, aborted: boolean): FailureAction {
  if (aborted) return 'abort';
  const started = turn.state.userMessage !== null;
  if (!turn.branching && !started && turn.state.tokens === 0 && shouldFallBack(error)) return 'fall-back';
  return started ? 'fail' : 'withdraw';
}

/**
 * The code and sentence a failure is shown with: the server's own for an API error.
 *
 * @example
 * describeFailure(new ChatApiError(400, 'validation_error', 'message is too long')) // { code: 'validation_error', … }
 */
export function describeFailure(error: unknown): { code: string; message: string } {
  return {
    code: error instanceof ChatApiError ? error.code : 'failed',
    message: error instanceof Error ? error.message : String(error),
  };
}
