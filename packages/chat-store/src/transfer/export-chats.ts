/** Streams a user's chats as our JSON or as Markdown, page by page: a chat of 100,000 messages never sits in memory. */
import type { ChatStore } from '../chat-store.js';
import { MARKDOWN_CHAT_SEPARATOR, markdownChatHeader, markdownMessage } from './markdown.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  toExportMessage,
  type ExportAttachment,
  type ExportMessage,
} from './own-format.js';
import type { ExportChatRow } from '../contract/transfer-repository.js';

export interface ExportChatsOptions {
  /** Only this chat; all of the user's chats (archived too) when omitted. */
  sessionId?: string;
  /** The `exported_at` of the file. Defaults to now. */
  now?: Date;
}

/** Every chat of the user (or one), oldest first. */
async function* chatsOf(store: ChatStore, userId: string, options: ExportChatsOptions): AsyncGenerator<ExportChatRow> {
  let after: string | undefined;
  do {
    const page = await store.transfer.exportChats(userId, { sessionId: options.sessionId, after });
    yield* page.chats;
    after = page.next ?? undefined;
  } while (after !== undefined);
}

/**
 * Our JSON export (docs/export-format.md) as text chunks: the header, then each chat with its messages a page at
 * a time. Chats and messages deleted while it runs may or may not appear; nothing else changes the file.
 *
 * @example
 * for await (const chunk of exportChatsJson(store, userId)) out.write(chunk);
 */
export async function* exportChatsJson(
  store: ChatStore,
  userId: string,
  options: ExportChatsOptions = {},
): AsyncGenerator<string> {
  const exportedAt = (options.now ?? new Date()).toISOString();
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exported_at":${JSON.stringify(exportedAt)},"chats":[`;
  let firstChat = true;
  for await (const chat of chatsOf(store, userId, options)) {
    const header = JSON.stringify(chat);
    yield `${firstChat ? '\n' : ',\n'}${header.slice(0, -1)},"messages":[`;
    firstChat = false;
    let after: number | undefined;
    let firstMessage = true;
    do {
      const page = await store.transfer.exportMessages(userId, chat.id, { after });
      if (!page) break;
      if (page.messages.length > 0) {
        yield* messagesWithFiles(store, userId, page.messages, firstMessage);
        firstMessage = false;
      }
      after = page.next ?? undefined;
    } while (after !== undefined);
    yield ']}';
  }
  yield '\n]}\n';
}

/**
 * The page's messages as JSON text, each user message with its files (bytes as base64): one file in memory at a time
 * beside the page, so large attachments do not pile up.
 */
async function* messagesWithFiles(
  store: ChatStore,
  userId: string,
  messages: ExportMessage[],
  first: boolean,
): AsyncGenerator<string> {
  const users = messages.filter((m) => m.role === 'user').map((m) => m.id);
  const files = users.length > 0 ? await store.attachments.forMessages(userId, users) : new Map();
  for (const [i, m] of messages.entries()) {
    const own = files.get(m.id) ?? [];
    const attachments: ExportAttachment[] = [];
    for (const summary of own) {
      const content = await store.attachments.content(userId, summary.id);
      if (!content) continue;
      attachments.push({
        name: summary.name,
        mime: summary.mime,
        size: summary.size,
        sha256: summary.sha256,
        data_base64: Buffer.from(content.bytes).toString('base64'),
      });
    }
    const separator = first && i === 0 ? '\n' : ',\n';
    yield separator + JSON.stringify(toExportMessage(attachments.length > 0 ? { ...m, attachments } : m));
  }
}

/**
 * Markdown of each chat's current branch (a title, then a heading per message), chats separated by a rule.
 *
 * @example
 * for await (const chunk of exportChatsMarkdown(store, userId, { sessionId })) out.write(chunk);
 */
export async function* exportChatsMarkdown(
  store: ChatStore,
  userId: string,
  options: ExportChatsOptions = {},
): AsyncGenerator<string> {
  let first = true;
  for await (const chat of chatsOf(store, userId, options)) {
    yield (first ? '' : MARKDOWN_CHAT_SEPARATOR) + markdownChatHeader(chat);
    first = false;
    let cursor: string | undefined;
    do {
      const page = await store.messages.list(userId, chat.id, { limit: 500, cursor });
      if (!page) break;
      if (page.items.length > 0) yield page.items.map(markdownMessage).join('');
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }
}
