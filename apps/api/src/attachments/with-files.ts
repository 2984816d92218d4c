/** Messages as read back: each user message with the files sent with it, each reply with the parts it was given. */
import type { ChatMessage } from '@chat-studio/protocol';
import type { AttachmentStorePort } from './store-port.js';

/**
 * `messages` with `attachments` (user messages that have any) and `sources` (replies that used parts of large
 * files): two indexed reads for the whole list, whatever its length.
 */
export async function withFiles<M extends ChatMessage>(
  files: Pick<AttachmentStorePort, 'forMessages' | 'sourcesFor'>,
  userId: string,
  messages: readonly M[],
): Promise<M[]> {
  if (messages.length === 0) return [];
  const users = messages.filter((m) => m.role === 'user').map((m) => m.id);
  const replies = messages.filter((m) => m.role === 'assistant').map((m) => m.id);
  const [attachments, sources] = await Promise.all([
    users.length > 0 ? files.forMessages(userId, users) : new Map(),
    replies.length > 0 ? files.sourcesFor(userId, replies) : new Map(),
  ]);
  if (attachments.size === 0 && sources.size === 0) return [...messages];
  return messages.map((m) => {
    const own = attachments.get(m.id);
    const used = sources.get(m.id);
    return own || used ? { ...m, ...(own ? { attachments: own } : {}), ...(used ? { sources: used } : {}) } : m;
  });
}

/** A page of messages with its items given their files (see {@link withFiles}). */
export async function pageWithFiles<P extends { items: ChatMessage[] }>(
  files: Pick<AttachmentStorePort, 'forMessages' | 'sourcesFor'>,
  userId: string,
  page: P,
): Promise<P> {
  return { ...page, items: await withFiles(files, userId, page.items) };
}
