import type {
  ApiKeyInfo,
  ChatMessage,
  ChatSession,
  CreateApiKeyResponse,
  CreateSessionRequest,
  GenerationParams,
  HealthResponse,
  LimitsResponse,
  LlmStatus,
  MeResponse,
  ModelInfo,
  ModelList,
  MessageAroundPage,
  Page,
  ProviderList,
  SearchHit,
  SendResponse,
  StreamEvent,
  UpdateSessionRequest,
  AppendMessageRequest,
  PrepareRequest,
  PrepareResponse,
  DeleteMessageResponse,
  MessageSiblings,
  SubtreeCount,
  ImportSummary,
} from '../schemas/index.js';
import { isErrorEnvelope } from '../errors/index.js';
import { ChatApiError } from './chat-api-error.js';
import { readChatStream } from './sse.js';

/** Options for {@link createChatClient}. */
export interface ChatClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:5000`. Defaults to `''` (same origin, for the browser). */
  baseUrl?: string;
  /** fetch implementation. Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Extra headers on every request, e.g. `{ authorization: 'Bearer …' }`. Defaults to none. */
  headers?: Record<string, string>;
  /**
   * Fetch credentials mode. Defaults to `'same-origin'` so the login cookie is sent.
   * Spelled out rather than the DOM's `RequestCredentials` so Node consumers without the DOM lib can type-check.
   */
  credentials?: 'include' | 'omit' | 'same-origin';
}

type Query = Record<string, string | number | boolean | undefined>;

function toQuery(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, val] of Object.entries(query)) if (val !== undefined) params.set(k, String(val));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * A small typed client for the Chat Studio API that works in the browser and in Node.
 * Error envelopes become {@link ChatApiError}.
 *
 * @example
 * const client = createChatClient({ baseUrl: 'http://127.0.0.1:5000' });
 * const session = await client.createSession({ title: 'Notes' });
 * for await (const event of client.stream({ session_id: session.id, message: 'Hello' })) {
 *   if (event.type === 'token') process.stdout.write(event.text);
 * }
 */
export function createChatClient(options: ChatClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const credentials = options.credentials ?? 'same-origin';

  async function raw(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(`${baseUrl}${path}`, {
      method,
      headers,
      credentials,
      body: body === undefined ? undefined : JSON.stringify(body),
      ...init,
    });
    if (!res.ok) throw await toError(res);
    return res;
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await raw(method, path, body);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  const enc = encodeURIComponent;

  async function* streamFrom(path: string, body: unknown, init: { signal?: AbortSignal }): AsyncGenerator<StreamEvent> {
    const res = await raw('POST', path, body, {
      signal: init.signal,
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...options.headers },
    });
    if (!res.body) throw new ChatApiError(res.status, 'bad_request', 'Stream response has no body');
    yield* readChatStream(res.body);
  }

  return {
    /** The health report; a 503 carries one too (`degraded` or `down`, with its reason), so it is returned, not thrown. */
    health: async (): Promise<HealthResponse> => {
      const res = await doFetch(`${baseUrl}/health`, {
        method: 'GET',
        headers: { accept: 'application/json', ...options.headers },
        credentials,
      });
      if (res.status === 503) {
        const body = (await res
          .clone()
          .json()
          .catch(() => null)) as HealthResponse | null;
        if (body && typeof body.status === 'string') return body;
      }
      if (!res.ok) throw await toError(res);
      return (await res.json()) as HealthResponse;
    },
    /** The size limits the server enforces (`GET /api/limits`). */
    limits: () => request<LimitsResponse>('GET', '/api/limits'),
    listSessions: (query?: { limit?: number; cursor?: string; pinned?: boolean; archived?: boolean }) =>
      request<Page<ChatSession>>('GET', `/api/chat/sessions${toQuery(query)}`),
    createSession: (body: CreateSessionRequest = {}) => request<ChatSession>('POST', '/api/chat/sessions', body),
    getSession: (id: string) => request<ChatSession>('GET', `/api/chat/sessions/${enc(id)}`),
    updateSession: (id: string, body: UpdateSessionRequest) =>
      request<ChatSession>('PATCH', `/api/chat/sessions/${enc(id)}`, body),
    deleteSession: (id: string) => request<void>('DELETE', `/api/chat/sessions/${enc(id)}`),
    listMessages: (id: string, query?: { limit?: number; cursor?: string; order?: 'asc' | 'desc' }) =>
      request<Page<ChatMessage>>('GET', `/api/chat/sessions/${enc(id)}/messages${toQuery(query)}`),
    /** The page of up to `limit` messages centred on `messageId` (ascending), with a cursor for each direction. */
    listMessagesAround: (id: string, messageId: string, query?: { limit?: number }) =>
      request<MessageAroundPage>(
        'GET',
        `/api/chat/sessions/${enc(id)}/messages${toQuery({ around: messageId, ...query })}`,
      ),
    appendMessage: (id: string, body: AppendMessageRequest) =>
      request<ChatMessage>('POST', `/api/chat/sessions/${enc(id)}/messages`, body),
    /** A new version of a message beside the old one (which stays, as a sibling); it becomes the current branch. */
    updateMessage: (sessionId: string, messageId: string, content: string) =>
      request<ChatMessage>('PATCH', `/api/chat/sessions/${enc(sessionId)}/messages/${enc(messageId)}`, { content }),
    /** Deletes the message and everything below it; says how many went and where the chat's current leaf is now. */
    deleteMessage: (sessionId: string, messageId: string) =>
      request<DeleteMessageResponse>('DELETE', `/api/chat/sessions/${enc(sessionId)}/messages/${enc(messageId)}`),
    /** How many messages deleting this one would remove (itself included). */
    countSubtree: (sessionId: string, messageId: string) =>
      request<SubtreeCount>('GET', `/api/chat/sessions/${enc(sessionId)}/messages/${enc(messageId)}/subtree`),
    /** The message's siblings (edits of one question, regenerated replies) and its position among them. */
    siblings: (sessionId: string, messageId: string) =>
      request<MessageSiblings>('GET', `/api/chat/sessions/${enc(sessionId)}/messages/${enc(messageId)}/siblings`),
    /** Shows the branch through `messageId` (its newest branch when it is not on the current one). */
    switchBranch: (sessionId: string, messageId: string) =>
      request<ChatSession>('POST', `/api/chat/sessions/${enc(sessionId)}/branch`, { message_id: messageId }),
    /** Edits a user message as a new sibling and streams the reply under it (events as {@link stream}). */
    async *edit(
      sessionId: string,
      messageId: string,
      body: { content: string; params?: GenerationParams; attachments?: string[] },
      init: { signal?: AbortSignal } = {},
    ): AsyncGenerator<StreamEvent> {
      yield* streamFrom(`/api/chat/sessions/${enc(sessionId)}/messages/${enc(messageId)}/edit`, body, init);
    },
    /** Streams a new reply as a sibling of `messageId` (a reply), or under it (a user message). */
    async *regenerate(
      sessionId: string,
      messageId: string,
      body: { params?: GenerationParams } = {},
      init: { signal?: AbortSignal } = {},
    ): AsyncGenerator<StreamEvent> {
      yield* streamFrom(`/api/chat/sessions/${enc(sessionId)}/messages/${enc(messageId)}/regenerate`, body, init);
    },
    search: (q: string, query?: { limit?: number; cursor?: string }) =>
      request<Page<SearchHit>>('GET', `/api/chat/search${toQuery({ q, ...query })}`),
    models: () => request<ModelList>('GET', '/api/llm/models'),
    providers: () => request<ProviderList>('GET', '/api/llm/providers'),
    llmStatus: () => request<LlmStatus>('GET', '/api/llm/status'),
    setActiveModel: (modelId: string) =>
      request<{ model: ModelInfo; status: LlmStatus }>('POST', '/api/llm/active-model', { model_id: modelId }),
    /** Asks the server to read a chat's history into the model while its user types (`POST /api/chat/prepare`). */
    prepare: (body: PrepareRequest) => request<PrepareResponse>('POST', '/api/chat/prepare', body),
    /** Sends a message and waits for the stored turn; `attachments` are ids of the caller's unsent uploads. */
    send: (body: { session_id: string; message: string; params?: GenerationParams; attachments?: string[] }) =>
      request<SendResponse>('POST', '/api/chat/send', body),
    /** Streams a reply; abort `signal` (or stop iterating) to stop generation on the server. */
    async *stream(
      body: { session_id: string; message: string; params?: GenerationParams; attachments?: string[] },
      init: { signal?: AbortSignal } = {},
    ): AsyncGenerator<StreamEvent> {
      yield* streamFrom('/api/chat/stream', body, init);
    },
    login: (username: string, password: string) =>
      request<MeResponse>('POST', '/api/auth/login', { username, password }),
    logout: () => request<void>('POST', '/api/auth/logout'),
    me: () => request<MeResponse>('GET', '/api/auth/me'),
    listApiKeys: () => request<{ api_keys: ApiKeyInfo[] }>('GET', '/api/auth/keys'),
    createApiKey: (name: string) => request<CreateApiKeyResponse>('POST', '/api/auth/keys', { name }),
    revokeApiKey: (id: string) => request<void>('DELETE', `/api/auth/keys/${enc(id)}`),
    /** Where to download an export: every chat (no `sessionId`) or one, as our JSON or as Markdown. */
    exportUrl: (query: { sessionId?: string; format?: 'json' | 'markdown' } = {}) =>
      `${baseUrl}${query.sessionId ? `/api/chat/sessions/${enc(query.sessionId)}/export` : '/api/chat/export'}${toQuery({ format: query.format })}`,
    /** Imports an export file (ours, ChatGPT's conversations.json, Open WebUI's), sent as it is. */
    importChats: async (file: Blob | ArrayBuffer | Uint8Array | string): Promise<ImportSummary> => {
      const res = await raw('POST', '/api/chat/import', undefined, {
        body: file as BodyInit,
        headers: { accept: 'application/json', 'content-type': 'application/octet-stream', ...options.headers },
      });
      return (await res.json()) as ImportSummary;
    },
  };
}

/** The client returned by {@link createChatClient}. */
export type ChatClient = ReturnType<typeof createChatClient>;

async function toError(res: Response): Promise<ChatApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (isErrorEnvelope(body)) {
    return new ChatApiError(res.status, body.error.code, body.error.message, body.error.details, res.headers);
  }
  return new ChatApiError(res.status, 'internal_error', `HTTP ${res.status} ${res.statusText}`, undefined, res.headers);
}
