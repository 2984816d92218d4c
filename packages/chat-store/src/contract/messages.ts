/** Messages: the repository contract and the row and page builders both back ends share. */
import type {
  ChatMessage,
  FinishReason,
  MessageAroundPage,
  MessageRole,
  MessageStatus,
  Page,
} from '@chat-studio/protocol';
import { encodeCursor } from '../cursor/index.js';
import type { ChatMessageRowUpdate } from './tables/index.js';
import { toChatMessage, type MessageRowFields, type MessageRowWithSiblings } from './mappers.js';

/** Generation figures a reply can carry. */
export interface MessageStatsInput {
  model_id?: string | null;
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  time_to_first_token_ms?: number | null;
  tokens_per_second?: number | null;
  finish_reason?: FinishReason | null;
}

export interface AppendMessageInput extends MessageStatsInput {
  role: MessageRole;
  content: string;
  /** Defaults to `'complete'`. */
  status?: MessageStatus;
  /**
   * The message this one follows, in the same session. Omitted: the session's current leaf (none in an empty chat).
   * `null`: a new first message (a sibling of the chat's first message). Either way the new message becomes the
   * session's current leaf.
   */
  parent_id?: string | null;
  /**
   * A reply about to be generated (status `'partial'`): full-text search leaves it out while `writePartial` and
   * `appendPartial` store its text, and indexes it once at the `update` that stores it final (any `update` does).
   * Defaults to false.
   */
  streaming?: boolean;
}

export interface UpdateMessageInput extends MessageStatsInput {
  content?: string;
  status?: MessageStatus;
}

export interface ListMessagesOptions {
  /** Defaults to 50 (at most 500). */
  limit?: number;
  cursor?: string;
  /** `asc` walks from the oldest message forward, `desc` from the newest back. Defaults to `'asc'`. */
  order?: 'asc' | 'desc';
  /**
   * List the branch ending at this message of the session instead of the current one (the history of an edit or a
   * regenerated reply). A message of another session gives an empty page.
   */
  leafId?: string;
}

/** The messages sharing a parent, oldest first, and where the asked-for one stands among them. */
export interface MessageSiblings {
  items: ChatMessage[];
  /** 1-based position of the asked-for message in `items`. */
  position: number;
}

export interface ListAroundOptions {
  /** Page size, the named message included. Defaults to 50 (at most 500). */
  limit?: number;
}

export interface MessagesRepository {
  /** Appends to a session the user owns and bumps its `updated_at`; `undefined` if there is no such session. */
  append(userId: string, sessionId: string, input: AppendMessageInput): Promise<ChatMessage | undefined>;
  get(userId: string, messageId: string): Promise<ChatMessage | undefined>;
  /**
   * One page of the session's current branch (root to current leaf), each message with `sibling_position` and
   * `sibling_count`; `undefined` if the user has no such session. `desc` walks from the leaf back, `asc` from the
   * root forward; cursors are those of earlier releases (a message's `seq`).
   */
  list(userId: string, sessionId: string, options?: ListMessagesOptions): Promise<Page<ChatMessage> | undefined>;
  /**
   * The page of up to `limit` messages centred on `messageId`, ascending: about half older, the message, the
   * rest newer (an end of the chat that is near gives its share to the other side). `older_cursor` continues
   * with `list(..., { order: 'desc' })`, `newer_cursor` (= `next_cursor`) with `order: 'asc'`.
   * `undefined` if the user has no such session or the message is not in it.
   *
   * @example
   * const page = await store.messages.listAround(userId, sessionId, hitId, { limit: 100 });
   * const older = await store.messages.list(userId, sessionId, { order: 'desc', cursor: page!.older_cursor! });
   */
  listAround(
    userId: string,
    sessionId: string,
    messageId: string,
    options?: ListAroundOptions,
  ): Promise<MessageAroundPage | undefined>;
  update(userId: string, messageId: string, input: UpdateMessageInput): Promise<ChatMessage | undefined>;
  /**
   * Overwrites the text of a reply that is still streaming (status `partial`): one prepared UPDATE, nothing read back,
   * so a chat turn can store what it has sent every few tokens. `false` when the user has no such partial message
   * (finished, deleted, someone else's).
   *
   * @example
   * await store.messages.writePartial(userId, replyId, textSentSoFar);
   */
  writePartial(userId: string, messageId: string, content: string): Promise<boolean>;
  /**
   * Appends `text` to a reply that is still streaming (status `partial`): one prepared UPDATE (`content || text`),
   * nothing read back, so each flush sends only the tokens new since the last one instead of the whole growing
   * reply. `false` when the user has no such partial message (finished, deleted, someone else's). Safe to retry:
   * after a call that failed (even one that committed before its answer was lost, on PostgreSQL), the next call's
   * text replaces that call's instead of following it, so a flusher that sends the failed text again with what came
   * after it never stores a piece twice.
   *
   * @example
   * await store.messages.appendPartial(userId, replyId, textSentSinceLastFlush);
   */
  appendPartial(userId: string, messageId: string, text: string): Promise<boolean>;
  /** Deletes the message and everything below it (see `deleteSubtree`); `false` when there was no such message. */
  delete(userId: string, messageId: string): Promise<boolean>;
  /**
   * Deletes the message and its whole subtree in one transaction and returns how many messages went (0: no such
   * message). When the current leaf was among them, the chat shows the newest remaining branch under the deleted
   * message's parent (or the newest message, for a first message).
   */
  deleteSubtree(userId: string, messageId: string): Promise<number>;
  /** How many messages `deleteSubtree` would delete; `undefined` when there is no such message. */
  countSubtree(userId: string, messageId: string): Promise<number | undefined>;
  /** The messages with the same parent as `messageId` (itself included), oldest first. */
  siblings(userId: string, messageId: string): Promise<MessageSiblings | undefined>;
  /**
   * Makes the branch through `messageId` the session's current one and returns its leaf: the current leaf when the
   * message is already on the current branch, else the newest message below it (its newest branch).
   * `undefined` if the user has no such session or the message is not in it.
   */
  switchBranch(userId: string, sessionId: string, messageId: string): Promise<string | undefined>;
  /**
   * Every message of the session on every branch, parents before children (ascending `seq`), cursor paged; for
   * export. `undefined` if the user has no such session.
   */
  listTree(
    userId: string,
    sessionId: string,
    options?: Omit<ListMessagesOptions, 'order'>,
  ): Promise<Page<ChatMessage> | undefined>;
}

/** What the tree operations need to know about a message: where it is and its chat's current leaf. */
export interface TreeTarget {
  seq: number;
  id: string;
  parent_id: string | null;
  session_id: string;
  current_leaf_id: string | null;
}

const STAT_FIELDS = [
  'model_id',
  'prompt_tokens',
  'completion_tokens',
  'time_to_first_token_ms',
  'tokens_per_second',
  'finish_reason',
] as const;

/** The column changes for a message update; both back ends write the same ones. */
export function messagePatch(input: UpdateMessageInput): ChatMessageRowUpdate {
  const patch: ChatMessageRowUpdate = {};
  if (input.content !== undefined) patch.content = input.content;
  if (input.status !== undefined) patch.status = input.status;
  for (const field of STAT_FIELDS) {
    if (input[field] !== undefined) (patch as Record<string, unknown>)[field] = input[field];
  }
  // Any update stores the message final: a reply generated so far joins full-text search here, once.
  if (Object.keys(patch).length > 0) patch.streaming = 0;
  return patch;
}

/** A page from `limit + 1` rows in listing order; the extra row only says whether there is more. */
/** The row an append inserts, on either back end: a new id, now, and null for every stat not given. */
export function newMessageRow(
  ids: { newId(): string; now(): number },
  sessionId: string,
  input: AppendMessageInput,
): MessageRowFields {
  return {
    id: ids.newId(),
    session_id: sessionId,
    // Resolved by the append itself when omitted (the session's current leaf, read in the same transaction).
    parent_id: input.parent_id ?? null,
    role: input.role,
    content: input.content,
    created_at: ids.now(),
    status: input.status ?? 'complete',
    model_id: input.model_id ?? null,
    prompt_tokens: input.prompt_tokens ?? null,
    completion_tokens: input.completion_tokens ?? null,
    time_to_first_token_ms: input.time_to_first_token_ms ?? null,
    tokens_per_second: input.tokens_per_second ?? null,
    finish_reason: input.finish_reason ?? null,
  };
}

export function messagePage(
  rows: (MessageRowWithSiblings & { seq: number })[],
  limit: number,
  kind: string,
): Page<ChatMessage> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(toChatMessage),
    next_cursor: more && last ? encodeCursor(kind, [last.seq]) : null,
  };
}

/**
 * Picks the around page from `older` (newest first, before the message) and `rest` (ascending, the message
 * first). Shared by both back ends so they split a page the same way.
 */
export function aroundPage(
  older: readonly (MessageRowWithSiblings & { seq: number })[],
  rest: readonly (MessageRowWithSiblings & { seq: number })[],
  limit: number,
): MessageAroundPage {
  const newer = rest.slice(1);
  const room = limit - 1;
  const olderCount = Math.min(older.length, Math.max(Math.floor(room / 2), room - newer.length));
  const newerCount = Math.min(newer.length, room - olderCount);
  const rows = [...older.slice(0, olderCount).reverse(), ...rest.slice(0, newerCount + 1)];
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const newerCursor = newer.length > newerCount ? encodeCursor('ma', [last.seq]) : null;
  return {
    items: rows.map(toChatMessage),
    next_cursor: newerCursor,
    older_cursor: older.length > olderCount ? encodeCursor('md', [first.seq]) : null,
    newer_cursor: newerCursor,
  };
}
