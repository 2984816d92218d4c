/** The store side of export and import: one transaction per imported chat, paged reads for a streamed export. */
import type { ExportChatHeader, ExportMessage } from '../transfer/own-format.js';
import type { TransferChat } from '../transfer/transfer-types.js';

/** What became of one chat of an import. */
export type ImportChatResult =
  | { status: 'imported'; session_id: string; messages: number }
  /** The user already has this chat (imported before from the same source, or the very chat exported here). */
  | { status: 'duplicate'; session_id: string };

export interface ExportChatsPageOptions {
  /** Only this session (an empty page when the user has no such session). */
  sessionId?: string;
  /** `next` of the previous page. */
  after?: string;
  /** Defaults to 100 (at most 500). */
  limit?: number;
}

export interface ExportMessagesPageOptions {
  /** `next` of the previous page. */
  after?: number;
  /** Defaults to 500 (at most 2000). */
  limit?: number;
}

/** A session as the export file writes it, with its store id to read its messages. */
export type ExportChatRow = ExportChatHeader;

export interface TransferRepository {
  /**
   * Stores one chat, its whole tree and its current leaf, in one transaction: all of it or nothing. A chat the user
   * already has from the same source is not stored again (`duplicate`).
   */
  importChat(userId: string, chat: TransferChat): Promise<ImportChatResult>;
  /**
   * Called once after an import stored `messages` messages: where the planner needs fresh statistics (PostgreSQL),
   * a large import refreshes them, so the first search after it is planned on what was imported.
   */
  afterImport?(messages: number): Promise<void>;
  /** A page of the user's chats, oldest first (archived ones too); `next` is `null` on the last page. */
  exportChats(
    userId: string,
    options?: ExportChatsPageOptions,
  ): Promise<{ chats: ExportChatRow[]; next: string | null }>;
  /**
   * A page of a chat's messages in stored order, which puts every parent before its children; `undefined` when the
   * user has no such session.
   */
  exportMessages(
    userId: string,
    sessionId: string,
    options?: ExportMessagesPageOptions,
  ): Promise<{ messages: ExportMessage[]; next: number | null } | undefined>;
}

/** The key `chat_imports` records a chat's origin under. */
export function importSource(chat: Pick<TransferChat, 'format' | 'source_id'>): string {
  return `${chat.format}:${chat.source_id}`;
}

/** Clamps a page size. */
export function transferLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

/** `created_at|id` of the last chat of a page: where the next page starts. */
export function chatCursor(row: { created_at: number; id: string }): string {
  return `${row.created_at}|${row.id}`;
}

/** Reads a chat cursor back; a malformed one starts from the beginning rather than skipping chats. */
export function parseChatCursor(cursor: string | undefined): { created_at: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const bar = cursor.indexOf('|');
  const created = Number(cursor.slice(0, bar));
  return bar > 0 && Number.isFinite(created) ? { created_at: created, id: cursor.slice(bar + 1) } : undefined;
}

/** The ids a chat gets here: a new id for each message, and each message's parent mapped to its new id. */
export function assignIds(chat: TransferChat, newId: () => string): { id: string; parent_id: string | null }[] {
  const ids = new Map<string, string>();
  return chat.messages.map((m) => {
    const id = newId();
    ids.set(m.ref, id);
    return { id, parent_id: m.parent_ref === null ? null : (ids.get(m.parent_ref) ?? null) };
  });
}
