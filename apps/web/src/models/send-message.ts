/**
 * Sending a message: the orchestration around the pure turn reducer. It opens the request (a stream, or
 * /api/chat/send), feeds what comes back to {@link applyTurnEvent}, and shows each new turn: the list's messages,
 * the chat's stream, the error under a reply. Each chat streams on its own: switching chats leaves the reply
 * running, and another chat can send meanwhile.
 */
import { batch } from '@preact/signals';
import { ChatApiError, type ChatMessage, type StreamEvent } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { clock } from '../lib/clock.js';
import { inputLimit } from '../lib/input-limit.js';
import { localMessage } from '../lib/local-message.js';
import { describeFailure, failureAction, NotAStreamError } from '../lib/send-failure.js';
import {
  applyTurnEvent,
  createTurn,
  withdrawnIds,
  type Branching,
  type Turn,
  type TurnEvent,
} from '../lib/turn-reducer.js';
import type { AttachmentDraft } from '../lib/attachment-drafts.js';
import { uploadsPending } from '../lib/attachment-drafts.js';
import { composerAttachments, restoreAttachments, takeAttachments } from './attachments.js';
import { composerDraft } from './chat-draft.js';
import { limits } from './limits.js';
import { settleMessageDeletes } from './message-deletes.js';
import {
  appendMessages,
  branchAt,
  messagesSessionId,
  reloadBranch,
  removeMessages,
  replaceMessage,
} from './messages.js';
import { reportUnavailable } from './models.js';
import { createChatFor } from './new-chat.js';
import { busy, setReplyError } from './reply-status.js';
import { activeSettings, paramsFromSettings, streamingEnabled } from './settings.js';
import { currentSessionId, sessions, touchSession } from './sessions.js';
import { beginStream, endStream, updateStream } from './streams.js';
import { showError, showToast } from './toasts.js';
import { readAloud } from './voice.js';

export type { Branching } from '../lib/turn-reducer.js';

/** One turn in flight: what was asked, how, and the turn as shown now. */
interface TurnRun {
  sessionId: string;
  content: string;
  /** The text came from the composer (and goes back there when nothing was stored). */
  fromComposer: boolean;
  /** The composer's files sent with it (they go back there too when nothing was stored). */
  attachments: AttachmentDraft[];
  body: {
    session_id: string;
    message: string;
    params: ReturnType<typeof paramsFromSettings>;
    /** Ids of the files sent with the message; absent when none (an older server refuses the field). */
    attachments?: string[];
  };
  /** `null` when the reply comes from /api/chat/send (streaming turned off). */
  controller: AbortController | null;
  turn: Turn;
}

/**
 * Sends the composer text (or `text`) in the open chat and shows the reply as it streams. With streaming off, or
 * when the stream fails before anything arrived, the reply comes from /api/chat/send instead. With `branching`,
 * the turn is an edit or a regenerated reply (always streamed). Without an open chat, the chat is created first.
 *
 * @example
 * await sendMessage(); // what the composer holds
 */
export async function sendMessage(text?: string, branching?: Branching): Promise<void> {
  const fromComposer = text === undefined && !branching;
  const content = (text ?? composerDraft.value).trim();
  if (!content || busy.value || refusedAsTooLong(content)) return;
  if (fromComposer && refusedWhileUploading()) return;
  if (fromComposer) composerDraft.value = '';
  const files = fromComposer ? takeAttachments() : { drafts: [] };
  // A message delete waiting for its Undo goes out first: the new message must not land in what it deletes.
  await settleMessageDeletes();
  const sessionId =
    currentSessionId.value ??
    (await createChatFor(content, (e) => {
      if (fromComposer && !composerDraft.value) composerDraft.value = content;
      restoreAttachments(files.drafts);
      showError(e, 'Could not create the chat');
    }));
  if (!sessionId) return;
  const run = beginTurn({ sessionId, content, fromComposer, attachments: files.drafts }, branching);
  if (!run) {
    restoreAttachments(files.drafts);
    return;
  }
  try {
    await (run.controller ? streamTurn(run, run.controller) : sendTurn(run));
  } finally {
    endStream(sessionId);
    touchSession(sessionId);
    if (run.turn.state.phase === 'done' && activeSettings.value.speak_replies === true)
      readAloud(run.turn.reply.content);
  }
}

/** Refused here, before anything is created: a too-long first message must not leave an empty chat behind. */
function refusedAsTooLong(content: string): boolean {
  const limit = inputLimit(content.length, limits.value.max_message_length);
  if (limit.over) showToast({ message: `Message not sent. ${limit.message}`, kind: 'error', timeoutMs: 7000 });
  return limit.over;
}

/** A file is still on its way up: its id does not exist yet, so the message waits (the chip shows progress). */
function refusedWhileUploading(): boolean {
  const pending = uploadsPending(composerAttachments.value);
  if (pending) showToast({ message: 'Wait until the files have uploaded, then send.', kind: 'error' });
  return pending;
}

/** What a new turn asks: the text, and from where, with which files. */
type TurnAsk = Pick<TurnRun, 'sessionId' | 'content' | 'fromComposer' | 'attachments'>;

/** The question as shown until stored: the text, with its files' chips. */
function localQuestion(ask: TurnAsk): ChatMessage {
  const user = localMessage(ask.sessionId, 'user', ask.content);
  const summaries = ask.attachments.flatMap((d) => (d.summary ? [d.summary] : []));
  return summaries.length ? { ...user, attachments: summaries } : user;
}

/** Registers the chat's new turn and shows it; `null` when the chat already has a reply in flight. */
function beginTurn(ask: TurnAsk, branching?: Branching): TurnRun | null {
  const { sessionId, content } = ask;
  const user = branching?.kind === 'regenerate' ? branching.question : localQuestion(ask);
  const turn = createTurn({ user, reply: localMessage(sessionId, 'assistant', ''), branching, now: clock() });
  const controller = streamingEnabled.value || branching ? new AbortController() : null;
  const ids = ask.attachments.flatMap((d) => (d.summary ? [d.summary.id] : []));
  const body: TurnRun['body'] = {
    session_id: sessionId,
    message: content,
    params: paramsFromSettings(activeSettings.value),
    ...(ids.length ? { attachments: ids } : {}),
  };
  let started = false;
  batch(() => {
    started = beginStream({ sessionId, state: turn.state, userMessage: user, reply: turn.reply, controller });
    if (started && messagesSessionId.value === sessionId) showNewTurn(turn);
  });
  return started ? { ...ask, body, controller, turn } : null;
}

/** The list shows the new branch: what came before the edited message (or up to the question), then the turn. */
function showNewTurn(turn: Turn): void {
  const branching = turn.branching;
  if (branching?.kind === 'edit') branchAt(branching.messageId, false);
  if (branching?.kind === 'regenerate') {
    branchAt(branching.question.id, true);
    appendMessages(turn.reply);
  } else appendMessages(turn.user, turn.reply);
}

/** Applies `event` to the turn and shows the result: the list's copies, the error under the reply, the stream. */
function advance(run: TurnRun, event: TurnEvent): void {
  const prev = run.turn;
  const next = applyTurnEvent(prev, event, clock());
  if (next === prev) return;
  run.turn = next;
  batch(() => {
    if (next.withdrawn && !prev.withdrawn) removeMessages(new Set(withdrawnIds(prev)));
    else {
      if (next.user !== prev.user) replaceMessage(prev.user.id, next.user);
      if (next.reply !== prev.reply) replaceMessage(prev.reply.id, next.reply);
    }
    if (next.replyError !== null && next.replyError !== prev.replyError) setReplyError(next.reply.id, next.replyError);
    updateStream(run.sessionId, (s) => ({ ...s, state: next.state, userMessage: next.user, reply: next.reply }));
  });
}

/** Opens the turn's stream: a plain send, an edit or a regenerated reply. */
function openStream(run: TurnRun, signal: AbortSignal): AsyncIterable<StreamEvent> {
  const { sessionId, body, content } = run;
  const branching = run.turn.branching;
  if (!branching) return api.stream(body, { signal });
  if (branching.kind === 'edit')
    return api.edit(sessionId, branching.messageId, { content, params: body.params }, { signal });
  return api.regenerate(sessionId, branching.messageId, { params: body.params }, { signal });
}

async function streamTurn(run: TurnRun, controller: AbortController): Promise<void> {
  let events = 0;
  try {
    for await (const event of openStream(run, controller.signal)) {
      events++;
      advance(run, { type: 'stream', event });
      if (event.type === 'error' && event.code === 'chat_unavailable') reportUnavailable(event.message);
    }
    if (events === 0) throw new NotAStreamError('The server did not answer with an event stream');
    advance(run, { type: 'ended' });
  } catch (e) {
    const action = failureAction(run.turn, e, controller.signal.aborted);
    if (action === 'abort') advance(run, { type: 'aborted' });
    else if (action === 'fall-back') await sendTurn(run);
    else if (action === 'withdraw') withdraw(run, e);
    else advance(run, { type: 'failed', ...describeFailure(e) });
  }
}

/** The whole reply in one answer from /api/chat/send. */
async function sendTurn(run: TurnRun): Promise<void> {
  try {
    advance(run, { type: 'sent', response: await api.send(run.body) });
  } catch (e) {
    withdraw(run, e);
  }
}

/** Refused before anything was stored: the exchange leaves the list, the text goes back, the error is shown. */
function withdraw(run: TurnRun, error: unknown): void {
  const { sessionId, content } = run;
  const isOpen = () => currentSessionId.value === sessionId;
  batch(() => {
    advance(run, { type: 'failed', ...describeFailure(error) });
    if (run.fromComposer && isOpen() && !composerDraft.value) composerDraft.value = content;
    if (run.fromComposer) restoreAttachments(run.attachments);
  });
  if (error instanceof ChatApiError && error.code === 'chat_unavailable') reportUnavailable(error.message);
  // An edit or regenerate that never started changed nothing: show the chat's branch as stored.
  if (run.turn.branching && isOpen()) void reloadBranch(sessionId);
  const title = sessions.value.find((s) => s.id === sessionId)?.title;
  showError(error, isOpen() || !title ? 'Message not sent' : `Message not sent in “${title}”`);
}
