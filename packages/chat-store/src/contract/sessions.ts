/** Sessions: the repository contract and the row builders both back ends share. */
import type { ChatSession, Page, SessionSettings } from '@chat-studio/protocol';
import { encodeCursor } from '../cursor/index.js';
import type { ChatSessionRowUpdate } from './tables/index.js';
import { chatSessionJson, toChatSession, type SessionRowWithCount } from './mappers.js';

export interface CreateSessionInput {
  /** Defaults to `'New chat'`. */
  title?: string;
  /** Defaults to `false`. */
  pinned?: boolean;
  /** Defaults to `{}`. */
  settings?: SessionSettings;
}

export interface UpdateSessionInput {
  title?: string;
  pinned?: boolean;
  archived?: boolean;
  /** Replaces the whole settings object. */
  settings?: SessionSettings;
}

export interface ListSessionsOptions {
  /** Defaults to 50 (at most 500). */
  limit?: number;
  cursor?: string;
  /** Only pinned (`true`) or only unpinned (`false`) sessions; both when omitted. */
  pinned?: boolean;
  /** Defaults to `false`: archived sessions are listed only when asked for. */
  archived?: boolean;
}

export interface SessionsRepository {
  create(userId: string, input?: CreateSessionInput): Promise<ChatSession>;
  get(userId: string, id: string): Promise<ChatSession | undefined>;
  list(userId: string, options?: ListSessionsOptions): Promise<Page<ChatSession>>;
  /**
   * {@link SessionsRepository.list}'s page as JSON text, the same bytes as `JSON.stringify(await list(…))`, written
   * from the rows without the page's objects (the API sends it as it is; issue #18).
   */
  listJson(userId: string, options?: ListSessionsOptions): Promise<string>;
  update(userId: string, id: string, input: UpdateSessionInput): Promise<ChatSession | undefined>;
  delete(userId: string, id: string): Promise<boolean>;
}

/** Default title of a new session. */
export const DEFAULT_SESSION_TITLE = 'New chat';

/** The column changes for a session update; both back ends write the same ones. */
export function sessionPatch(input: UpdateSessionInput): ChatSessionRowUpdate {
  const patch: ChatSessionRowUpdate = {};
  if (input.title !== undefined) patch.title = input.title.trim() || DEFAULT_SESSION_TITLE;
  if (input.pinned !== undefined) patch.pinned = input.pinned ? 1 : 0;
  if (input.archived !== undefined) patch.archived = input.archived ? 1 : 0;
  if (input.settings !== undefined) patch.settings = JSON.stringify(input.settings);
  return patch;
}

/** A page from `limit + 1` rows ordered newest first; the extra row only says whether there is more. */
export function sessionPage(rows: SessionRowWithCount[], limit: number): Page<ChatSession> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(toChatSession),
    next_cursor: more && last ? encodeCursor('s', [last.updated_at, last.id]) : null,
  };
}

/** {@link sessionPage} as JSON text, without building the page: `JSON.stringify(sessionPage(rows, limit))`. */
export function sessionPageJson(rows: SessionRowWithCount[], limit: number): string {
  const more = rows.length > limit;
  const count = more ? limit : rows.length;
  const last = rows[count - 1];
  let items = '';
  for (let i = 0; i < count; i++) items += (i === 0 ? '' : ',') + chatSessionJson(rows[i]!);
  const cursor = more && last ? encodeCursor('s', [last.updated_at, last.id]) : null;
  return `{"items":[${items}],"next_cursor":${JSON.stringify(cursor)}}`;
}
