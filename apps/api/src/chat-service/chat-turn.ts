/** Chat turns that never lose a message: commit, stream with bounded flushes, finish or mark partial. */
import { DEFAULT_TITLE, deriveTitle } from '@chat-studio/protocol';
import type {
  AttachmentSummary,
  ChatMessage,
  ChatSession,
  ErrorCode,
  GenerationParams,
  GenerationStats,
} from '@chat-studio/protocol';
import type { ChatStore } from '@chat-studio/chat-store';
import type {
  GenerateMessage,
  GenerateResult,
  GenerateTools,
  LlmRuntime,
  PreloadState,
  ResponseFormat,
  ToolCall,
  ToolCallDelta,
} from '@chat-studio/llm-runtime';
import type { AppConfig } from '../config/index.js';
import type { Principal } from '../app/app-env.js';
import { ApiError, codeOf } from '../errors/index.js';
import { requireSession } from '../ownership/index.js';
import { createReplyFlusher } from './reply-flusher.js';
import { observeGeneration, type Logger, type Metrics } from '../observability/index.js';
import { generationEvents, type Generated, type ProgressEvent, type TurnEvent } from './turn-events.js';
import {
  attachmentNotFound,
  chunkMeaning,
  planTurn,
  type AttachmentStorePort,
  type PlanMessage,
} from '../attachments/index.js';

/** A chat turn opened by `open`: it passed every check and may start generating; nothing is stored yet. */
export interface OpenedTurn {
  session: ChatSession;
  runtime: LlmRuntime;
  history: { role: 'system' | 'user' | 'assistant'; content: string }[];
  params: GenerationParams;
  /** Where the turn's user message goes: the end of the branch `history` was read from (`null`: a new first message). */
  parentId: string | null;
  /** Regenerate: the stored user message to answer again; no new user message is stored. */
  existingUserMessage?: ChatMessage;
  /** The whole prompt, when the turn is more than text (Responses' function calls); else `history` + the message. */
  prompt?: GenerateMessage[];
  /** Function tools offered to the model for this turn. */
  tools?: GenerateTools;
  /** JSON output enforced by a grammar (a JSON schema; `params.json_mode` is any JSON object). */
  responseFormat?: ResponseFormat;
  /** The reply as stored, when it is more than its text (function calls); else the text. */
  storedContent?: (result: GenerateResult) => string;
  /** The history with the files each user message was sent with (only when any was). */
  historyFiles?: PlanMessage[];
  /** Files of the turn's user message: bound to the new message, or those of the regenerated one. */
  attachments?: AttachmentSummary[];
  /** An edit's original message: those of `attachments` bound to it are copied to the new version. */
  copyFrom?: string;
  /** Ids of the copies made for the new version (deleted, not left as drafts, when the turn is refused). */
  copiedIds?: string[];
}

/** Which branch a turn continues; the current one when omitted. */
export interface TurnBranch {
  /** The message the turn's history ends at (`null`: empty history, a new first message). */
  leafId: string | null;
  existingUserMessage?: ChatMessage;
}

/** How a running turn reports to {@link createChatTurns}' `stream`, which turns it into events (internal). */
interface TurnHooks {
  /** Called once both messages are committed, before the first token. */
  onStart?: (info: { userMessage: ChatMessage; assistantMessageId: string; modelId: string }) => void | Promise<void>;
  /**
   * Called with each token's text. A returned promise says when the text has gone to the client: only text sent is
   * flushed to the store, so a stored partial reply never holds words the client was not given.
   */
  onToken?: (text: string) => unknown;
  /** Pieces of function calls as they are generated (when `tools` are offered). */
  onToolCall?: (delta: ToolCallDelta) => void;
}

export interface TurnResult {
  user_message: ChatMessage;
  assistant_message: ChatMessage;
  stats: GenerationStats;
  /** Function calls the model made (only when `tools` were offered). */
  toolCalls?: ToolCall[];
}

/**
 * Codes of runtime errors that mean the request was refused before any work (busy, unavailable, a field it cannot
 * honour): undo the turn instead of keeping an empty reply.
 */
const REFUSAL_CODES: ReadonlySet<ErrorCode> = new Set([
  'queue_full',
  'timeout',
  'chat_unavailable',
  'validation_error',
]);

/** Options for {@link createChatTurns}. */
export interface ChatTurnsOptions {
  store: ChatStore;
  runtime?: LlmRuntime;
  config: AppConfig;
  /** Where generation speed and time to first token are recorded. Defaults to none. */
  metrics?: Metrics;
  /** Debug lines per turn: settings, seed, KV-cache reuse, evaluated tokens, queue wait, and the text. Defaults to none. */
  logger?: Pick<Logger, 'debug' | 'isLevelEnabled'>;
  /**
   * This process in the store's registry: each streaming reply is claimed under it until stored for good, so that
   * a later start can tell a reply whose process died (then `interrupted`) from one still being written.
   * Defaults to none (no claims).
   */
  processId?: string;
  /** Where attached files are read and bound. Defaults to the store's own (`store.attachments`). */
  attachments?: AttachmentStorePort;
}

/**
 * Runs chat turns so that nothing is lost: the user message is committed before generation, the reply
 * is stored as `partial` and flushed while it streams, then marked `complete`, `partial` (aborted) or `error`.
 */
export function createChatTurns(options: ChatTurnsOptions) {
  const { store, runtime, config, metrics, logger, processId } = options;
  const files: AttachmentStorePort = options.attachments ?? store.attachments;
  let stopping = false;
  /**
   * The runtime when it can take a request now; else the 503 the caller should answer with. The runtime decides (its
   * queue counts the requests running); this only asks it and words the answer.
   */
  function availableRuntime(): LlmRuntime {
    if (!runtime)
      throw new ApiError('chat_unavailable', 'Chat service is not available: no model runtime is configured');
    const refused = runtime.refusal();
    if (refused?.code === 'queue_full') {
      throw new ApiError(
        'queue_full',
        'Chat service is busy: every sequence is in use and the queue is full',
        undefined,
        { 'Retry-After': String(refused.retryAfterSeconds) },
      );
    }
    if (refused) throw new ApiError('chat_unavailable', `Chat service is not available: ${refused.reason}`);
    return runtime;
  }

  /**
   * Opens a turn: ownership, then the runtime's availability and capacity (so refusals are plain HTTP errors, not
   * half-open streams), then the history it continues. Nothing is stored yet. (Preloading a chat while its user types
   * is the runtime's `preload`, behind `POST /api/chat/prepare`.)
   */
  async function open(
    principal: Principal,
    sessionId: string,
    params: GenerationParams = {},
    branch?: TurnBranch,
  ): Promise<OpenedTurn> {
    const session = await requireSession(store, principal, sessionId);
    const rt = availableRuntime();
    // The history is the branch from the root to the leaf: the current one, or the one an edit or regenerate names.
    const leafId = branch ? branch.leafId : (session.current_leaf_id ?? null);
    const page = leafId
      ? await store.messages.list(principal.userId, session.id, { order: 'desc', limit: config.historyLimit, leafId })
      : undefined;
    const kept = (page?.items ?? []).reverse().filter((m) => m.status !== 'error' && m.content !== '');
    const history = kept.map((m) => ({ role: m.role, content: m.content }));
    const sent = await files.forMessages(
      principal.userId,
      kept.filter((m) => m.role === 'user').map((m) => m.id),
    );
    const { model_id: _model, speak_replies: _speak, ...settingsParams } = session.settings;
    const turn: OpenedTurn = {
      session,
      runtime: rt,
      history,
      params: { ...settingsParams, ...params },
      parentId: leafId,
    };
    if (sent.size > 0) turn.historyFiles = kept.map((m) => ({ ...m, attachments: sent.get(m.id) }));
    if (branch?.existingUserMessage) {
      const question = branch.existingUserMessage;
      const own = (await files.forMessages(principal.userId, [question.id])).get(question.id);
      turn.existingUserMessage = own ? { ...question, attachments: own } : question;
      if (own) turn.attachments = own;
    }
    return turn;
  }

  /**
   * Preloads a chat while its user types (`POST /api/chat/prepare`): the runtime evaluates the history and params the
   * next turn will use on an idle sequence, so that turn evaluates only its new message. The files of the history
   * and the `attachments` staged for the next message are in it as the turn will write them (`<file>` blocks of
   * files that fit; a large file's chunks depend on the question, so they are not). Refused as `open` and `attach`
   * refuse.
   */
  async function preload(
    principal: Principal,
    sessionId: string,
    params?: GenerationParams,
    attachments?: readonly string[],
  ): Promise<PreloadState> {
    const turn = await open(principal, sessionId, params);
    await attach(principal, turn, attachments);
    const planned = await planFiles(principal.userId, turn, '', { chunks: false });
    // The planned turn's user message is the staged files' blocks with no words yet: the start of the next one.
    const prefix = planned?.messages.at(-1)?.content ?? '';
    return turn.runtime.preload({
      messages: planned ? planned.messages.slice(0, -1) : turn.history,
      params: turn.params,
      sessionKey: turn.session.id,
      ...(prefix ? { nextUserPrefix: prefix } : {}),
    });
  }

  /**
   * Adds the caller's unsent attachments `ids` to a prepared turn, to be bound to its new user message: a 404
   * `attachment_not_found` now, before anything is stored, for one that is missing, another user's or already sent.
   * An edit (`editOf`: the original message) keeps the original's files when `ids` is absent, and may name them
   * among `ids`: they are copied to the new version, the original keeps its own.
   */
  async function attach(
    principal: Principal,
    turn: OpenedTurn,
    ids: readonly string[] | undefined,
    options: { editOf?: string } = {},
  ): Promise<void> {
    const { editOf } = options;
    const original = editOf ? ((await files.forMessages(principal.userId, [editOf])).get(editOf) ?? []) : [];
    const wanted = ids ?? original.map((a) => a.id);
    if (wanted.length === 0) return;
    const found = await Promise.all(wanted.map((id) => files.get(principal.userId, id)));
    const usable = (a: AttachmentSummary | undefined): a is AttachmentSummary =>
      a !== undefined && (a.message_id === null || (editOf !== undefined && a.message_id === editOf));
    const summaries = found.filter(usable);
    if (summaries.length !== wanted.length) throw attachmentNotFound();
    turn.attachments = summaries;
    if (editOf && summaries.some((a) => a.message_id === editOf)) turn.copyFrom = editOf;
  }

  const inFlight = new Map<Promise<unknown>, AbortController>();

  /** Runs work tied to `signal`, tracked so that shutdown can abort it and wait until it has stored its result. */
  function track<T>(signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const forward = () => controller.abort();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', forward, { once: true });
    const promise = work(controller.signal);
    const tracked = promise.finally(() => {
      signal.removeEventListener('abort', forward);
      inFlight.delete(tracked);
    });
    tracked.catch(() => {});
    inFlight.set(tracked, controller);
    return promise;
  }

  /** Runs a stored chat turn (see {@link createChatTurns}); `stream` is how routes run one. */
  function run(
    principal: Principal,
    turn: OpenedTurn,
    message: string,
    signal: AbortSignal,
    hooks: TurnHooks = {},
  ): Promise<TurnResult> {
    return track(signal, (s) => execute(principal, turn, message, s, hooks));
  }

  /**
   * A stored chat turn as events, in one direction: `start` once both messages are committed, `token`s, then `done`
   * or `error` (always last). Aborting `signal` ends it with the reply stored as far as it got (`done`, finish reason
   * `abort`). A turn cut short by shutdown ends with a `chat_unavailable` error that says the reply so far is stored.
   */
  function stream(
    principal: Principal,
    turn: OpenedTurn,
    message: string,
    signal: AbortSignal,
  ): AsyncIterable<TurnEvent> {
    return generationEvents(async (emit) => {
      const result = await run(principal, turn, message, signal, {
        onStart: (info) => void emit({ type: 'start', ...info }),
        // Resolves once the writer has sent the token: only text sent is flushed to the store.
        onToken: (text) => emit({ type: 'token', text }),
        onToolCall: (delta) => void emit({ type: 'tool_call', delta }),
      });
      // SIGTERM cut the reply short: say so, instead of a "done" that looks final.
      if (stopping) throw shutdownError();
      return {
        text: result.assistant_message.content,
        stats: result.stats,
        turn: result,
        ...(result.toolCalls ? { toolCalls: result.toolCalls } : {}),
      };
    });
  }

  /**
   * A generation that stores nothing (the /v1 and Ollama routes without a session) as the same events: tracked so
   * that shutdown aborts it, its figures recorded in the metrics like a stored turn's.
   */
  function generation(
    signal: AbortSignal,
    produce: (signal: AbortSignal, emit: (event: ProgressEvent) => void) => Promise<Generated>,
  ): AsyncIterable<TurnEvent> {
    return generationEvents((emit) =>
      track(signal, async (s) => {
        const result = await produce(s, emit);
        if (metrics) observeGeneration(result.stats, metrics);
        return result;
      }),
    );
  }

  /** Aborts every running turn and waits until each has stored its reply. */
  async function abortAll(): Promise<void> {
    stopping = true;
    for (const controller of inFlight.values()) controller.abort();
    await Promise.allSettled([...inFlight.keys()]);
  }

  async function execute(
    principal: Principal,
    turn: OpenedTurn,
    message: string,
    signal: AbortSignal,
    hooks: TurnHooks,
  ): Promise<TurnResult> {
    const { session, runtime: rt } = turn;
    const userId = principal.userId;
    const modelId = rt.status().model_id ?? 'unknown';
    // Explicit parents: a turn continues the branch its history was read from, whatever happens to the chat meanwhile.
    const userMessage = turn.existingUserMessage ?? (await appendUserMessage(userId, turn, message));
    const placeholder = userMessage
      ? await store.messages.append(userId, session.id, {
          role: 'assistant',
          content: '',
          status: 'partial',
          model_id: modelId,
          parent_id: userMessage.id,
          // Out of full-text search until the final update below: the flushes re-index nothing.
          streaming: true,
        })
      : undefined;
    if (!userMessage || !placeholder) throw new ApiError('not_found', 'Session not found');
    if (processId) await store.processes.claimReply(placeholder.id, processId);
    try {
      return await generateInto(principal, turn, message, signal, hooks, userMessage, placeholder);
    } finally {
      if (processId)
        await store.processes
          .releaseReply(placeholder.id)
          .catch((err: unknown) => console.error('[chat] release failed', err));
    }
  }

  async function generateInto(
    principal: Principal,
    turn: OpenedTurn,
    message: string,
    signal: AbortSignal,
    hooks: TurnHooks,
    userMessage: ChatMessage,
    placeholder: ChatMessage,
  ): Promise<TurnResult> {
    const { session, runtime: rt } = turn;
    const userId = principal.userId;
    const modelId = placeholder.model_id ?? 'unknown';

    let text = '';
    // What was sent is stored within `flushMaxTokens` tokens and `flushIntervalMs` ms: a SIGKILL loses no more.
    const flusher = createReplyFlusher({
      // Only the new text each time: a flush costs the same at token 2,000 as at token 16.
      write: (fresh) => store.messages.appendPartial(userId, placeholder.id, fresh),
      append: true,
      maxDelayMs: config.flushIntervalMs,
      maxTokens: config.flushMaxTokens,
      onError: (err) => console.error('[chat] flush failed', err),
    });

    await hooks.onStart?.({ userMessage, assistantMessageId: placeholder.id, modelId });
    try {
      const planned = await planFiles(userId, turn, message);
      const result = await rt.generate({
        messages: turn.prompt ?? planned?.messages ?? [...turn.history, { role: 'user', content: message }],
        params: turn.params,
        ...(turn.tools ? { tools: turn.tools } : {}),
        ...(turn.responseFormat ? { responseFormat: turn.responseFormat } : {}),
        ...(hooks.onToolCall ? { onToolCall: hooks.onToolCall } : {}),
        signal,
        sessionKey: session.id,
        endUser: principal.username,
        onToken(t) {
          text += t;
          const sending = hooks.onToken?.(t);
          if (sending instanceof Promise)
            sending.then(
              () => flusher.sent(t),
              () => {},
            );
          else flusher.sent(t);
        },
      });
      await flusher.finish();
      const stats = result.stats;
      if (metrics) observeGeneration(stats, metrics);
      if (logger?.isLevelEnabled('debug')) {
        // Message text only here, at debug level (the logger drops `content` fields above it).
        logger.debug(
          {
            session_id: session.id,
            user_id: userId,
            model_id: result.modelId,
            params: turn.params,
            seed: turn.params.seed ?? null,
            history_messages: turn.history.length,
            prompt_tokens: stats.prompt_tokens,
            kv_cache_reused_tokens: stats.cached_tokens ?? null,
            evaluated_tokens: result.promptTokensEvaluated,
            completion_tokens: stats.completion_tokens,
            queue_wait_ms: result.queueWaitMs === undefined ? null : Math.round(result.queueWaitMs),
            time_to_first_token_ms: stats.time_to_first_token_ms,
            total_ms: stats.total_ms,
            finish_reason: stats.finish_reason,
            cached: stats.cached ?? false,
            // The user turn as the model was given it: attached files' blocks included.
            content: planned?.messages.at(-1)?.content ?? message,
          },
          'chat turn generated',
        );
      }
      const assistant = await store.messages.update(userId, placeholder.id, {
        content: turn.storedContent ? turn.storedContent(result) : result.text,
        status: stats.finish_reason === 'abort' ? 'partial' : stats.finish_reason === 'error' ? 'error' : 'complete',
        model_id: result.modelId,
        prompt_tokens: stats.prompt_tokens,
        completion_tokens: stats.completion_tokens,
        time_to_first_token_ms: stats.time_to_first_token_ms,
        tokens_per_second: stats.tokens_per_second,
        finish_reason: stats.finish_reason,
      });
      if (session.title === DEFAULT_TITLE) scheduleTitle(userId, session.id, message);
      const sources = planned?.sources ?? [];
      if (sources.length > 0) await files.setSources(userId, placeholder.id, sources);
      const reply = assistant ?? placeholder;
      return {
        user_message: userMessage,
        assistant_message: sources.length > 0 ? { ...reply, sources } : reply,
        stats,
        ...(result.toolCalls?.length ? { toolCalls: result.toolCalls } : {}),
      };
    } catch (err) {
      await flusher.finish();
      if (isRefusal(err) && text === '') {
        await store.messages.delete(userId, placeholder.id);
        if (!turn.existingUserMessage) {
          // The files stay the user's, unsent again, to attach to the retried message.
          if (turn.attachments?.length) await unbindRefused(userId, turn, userMessage);
          await store.messages.delete(userId, userMessage.id);
        }
      } else {
        await store.messages.update(userId, placeholder.id, { content: text, status: 'error', finish_reason: 'error' });
      }
      throw err;
    }
  }

  /**
   * The new user message, with the turn's attachments bound to it (an edit's kept files copied to it); undone when
   * binding fails. The turn's `attachments` become the bound ones, so the prompt and the sources name them.
   */
  async function appendUserMessage(userId: string, turn: OpenedTurn, message: string) {
    const appended = await store.messages.append(userId, turn.session.id, {
      role: 'user',
      content: message,
      parent_id: turn.parentId,
    });
    const ids = turn.attachments?.map((a) => a.id) ?? [];
    if (!appended || ids.length === 0) return appended;
    try {
      const bound = await files.bind(userId, appended.id, ids, turn.copyFrom ? { copyFrom: turn.copyFrom } : {});
      turn.attachments = bound;
      turn.copiedIds = bound.filter((a) => !ids.includes(a.id)).map((a) => a.id);
      return { ...appended, attachments: bound };
    } catch (error) {
      await store.messages.delete(userId, appended.id);
      throw error;
    }
  }

  /**
   * A refused turn's files before its message goes: uploads become unsent again (to retry with); copies of an
   * edit's original files are deleted (the original keeps its own), so no stray draft appears.
   */
  async function unbindRefused(userId: string, turn: OpenedTurn, userMessage: ChatMessage) {
    await files.unbind(userId, userMessage.id);
    for (const id of turn.copiedIds ?? []) await files.deleteUnsent(userId, id);
  }

  /**
   * The prompt with attached files (whole, or the chunks relevant to `message` unless `chunks` is false); undefined
   * when the turn has none.
   */
  async function planFiles(userId: string, turn: OpenedTurn, message: string, options: { chunks?: boolean } = {}) {
    if (turn.prompt || (!turn.historyFiles && !turn.attachments?.length)) return undefined;
    const rt = turn.runtime;
    return planTurn(
      {
        store: files,
        countTokens: (text) => rt.countTokens(text),
        contextSize: () => rt.contextSize(),
        // Hybrid retrieval: chunks ranked by words and by meaning, fused.
        meaning: chunkMeaning(store, rt),
      },
      {
        userId,
        history: turn.historyFiles ?? turn.history,
        message,
        attachments: turn.attachments ?? [],
        ...(options.chunks === false ? { chunks: false } : {}),
      },
    );
  }

  /** Off the request path: the reply is already on its way when the title is written. */
  function scheduleTitle(userId: string, sessionId: string, message: string) {
    setImmediate(() => {
      void store.sessions
        .get(userId, sessionId)
        .then((s) =>
          s && s.title === DEFAULT_TITLE
            ? store.sessions.update(userId, sessionId, { title: deriveTitle(message) })
            : undefined,
        )
        .catch((err: unknown) => console.error('[chat] title update failed', err));
    });
  }

  return {
    availableRuntime,
    open,
    preload,
    attach,
    stream,
    generation,
    track,
    abortAll,
    inFlightCount: () => inFlight.size,
    isStopping: () => stopping,
  };
}

export type ChatTurns = ReturnType<typeof createChatTurns>;

/** A refusal by the runtime: an error with a refusal code (an ApiError is the API's own, never the runtime's). */
function isRefusal(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && !(err instanceof ApiError) && REFUSAL_CODES.has(code);
}

function shutdownError(): ApiError {
  return new ApiError(
    'chat_unavailable',
    'Chat service is not available: the server is shutting down; the reply so far is stored, regenerate it once the server is back',
  );
}
