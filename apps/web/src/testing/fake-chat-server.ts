/**
 * A fake of the chat API for fast unit tests of the web's models: `fetch` is replaced by routes the test writes,
 * and streams are real `text/event-stream` bodies the test feeds event by event (so the protocol's SSE reader and
 * the client's error handling run as in the browser). Not for the e2e tests, which use the real server.
 */
import { vi } from 'vitest';
import {
  errorEnvelope,
  type ChatMessage,
  type ChatSession,
  type ErrorCode,
  type StreamEvent,
} from '@chat-studio/protocol';
import { chatMessage } from './chat-message.js';

/** A request the fake received. */
export interface FakeRequest {
  method: string;
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams;
  body: unknown;
  signal: AbortSignal | undefined;
}

/** Answers one request; `METHOD /path` keys, the path without its query. */
export type FakeRoute = (request: FakeRequest) => Response | Promise<Response>;

/** The fake's record of what was asked. */
export interface FakeChatServer {
  requests: FakeRequest[];
  /** `METHOD /path` of every request, in order. */
  calls(): string[];
}

/**
 * Replaces the global `fetch` with `routes`; anything else answers 404 with an error envelope. Undo with
 * `vi.unstubAllGlobals()`.
 *
 * @example
 * const server = fakeChatServer({ 'POST /api/chat/send': () => json(sendResponse) });
 */
export function fakeChatServer(routes: Record<string, FakeRoute>): FakeChatServer {
  const requests: FakeRequest[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://chat.test');
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const request: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    const route = routes[`${method} ${url.pathname}`];
    return route ? route(request) : apiError(404, 'not_found', `No route ${method} ${url.pathname}`);
  });
  return { requests, calls: () => requests.map((r) => `${r.method} ${r.path}`) };
}

/** A JSON answer. */
export function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
}

/** An error answer as the API writes it: the code and the sentence in an envelope. */
export function apiError(status: number, code: ErrorCode, message: string): Response {
  return json(errorEnvelope(code, message), status);
}

/** A stream the test writes to: events go out as they are sent; aborting the request fails the body. */
export interface LiveStream {
  response: Response;
  send(event: StreamEvent): void;
  close(): void;
}

/**
 * An open `text/event-stream` answer for `request`. Like a browser's fetch, aborting the request's signal makes
 * reading the body fail with an `AbortError`.
 *
 * @example
 * const live = liveStream(request); live.send({ type: 'token', text: 'Hi' }); live.close();
 */
export function liveStream(request: FakeRequest): LiveStream {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
  });
  request.signal?.addEventListener('abort', () => {
    if (closed) return;
    closed = true;
    controller.error(new DOMException('The operation was aborted.', 'AbortError'));
  });
  return {
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    send: (event) => {
      if (!closed) controller.enqueue(encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    },
    close: () => {
      if (closed) return;
      closed = true;
      controller.close();
    },
  };
}

/** A stream answer with all of `events`, closed after the last. */
export function eventStream(request: FakeRequest, events: readonly StreamEvent[]): Response {
  const live = liveStream(request);
  for (const event of events) live.send(event);
  live.close();
  return live.response;
}

/** A stored message for fixtures. */
export function storedMessage(
  id: string,
  sessionId: string,
  role: 'user' | 'assistant',
  content: string,
  extra: Partial<ChatMessage> = {},
): ChatMessage {
  const reply = role === 'assistant';
  return chatMessage({
    id,
    session_id: sessionId,
    role,
    content,
    model_id: reply ? 'stories260K' : null,
    finish_reason: reply ? 'stop' : null,
    ...extra,
  });
}

/** A stored session for fixtures. */
export function storedSession(id: string, title: string): ChatSession {
  return {
    id,
    title,
    created_at: '2026-03-15T10:00:00.000Z',
    updated_at: '2026-03-15T10:00:00.000Z',
    pinned: false,
    archived: false,
    settings: {},
    message_count: 0,
    current_leaf_id: null,
  };
}
