/** Markdown of a chat's current branch: a title, one heading per message, the text as written (code fences kept). */
import type { MessageRole } from '@chat-studio/protocol';

const ROLE_HEADING: Record<MessageRole, string> = { system: 'System', user: 'User', assistant: 'Assistant' };

/** What the Markdown shows of a chat. */
export interface MarkdownChat {
  title: string;
  created_at: string;
  updated_at: string;
}

/** What the Markdown shows of a message. */
export interface MarkdownMessage {
  role: MessageRole;
  content: string;
  created_at: string;
  status: string;
  model_id: string | null;
}

/** The lines that open a fenced code block (``` or ~~~, up to three spaces of indent). */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Closes a code fence the text left open, so that the next heading is not swallowed into a code block (a reply
 * cut off mid-code does this).
 */
export function closeOpenFence(text: string): string {
  let open: string | null = null;
  for (const line of text.split('\n')) {
    const match = FENCE.exec(line);
    if (!match) continue;
    const fence = match[1]!;
    if (open === null) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) open = null;
  }
  return open === null ? text : `${text}\n${open}`;
}

/** The chat's title block. */
export function markdownChatHeader(chat: MarkdownChat): string {
  const title = chat.title.replace(/\s+/g, ' ').trim() || 'Untitled chat';
  return `# ${title}\n\n_Created ${chat.created_at}, last active ${chat.updated_at}._\n\n`;
}

/** One message: a role heading (with the model and an unfinished status when there are any), then its text. */
export function markdownMessage(message: MarkdownMessage): string {
  const notes = [message.model_id, message.status === 'complete' ? null : message.status].filter((n): n is string =>
    Boolean(n),
  );
  const heading = `## ${ROLE_HEADING[message.role]}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  return `${heading}\n\n${closeOpenFence(message.content.replace(/\s+$/, ''))}\n\n`;
}

/** Separates chats when several go into one Markdown file. */
export const MARKDOWN_CHAT_SEPARATOR = '---\n\n';

/**
 * The whole Markdown of one chat's branch.
 *
 * @example
 * renderMarkdown({ title: 'Ideas', created_at, updated_at }, [{ role: 'user', content: 'Hi', … }]);
 */
export function renderMarkdown(chat: MarkdownChat, branch: Iterable<MarkdownMessage>): string {
  let out = markdownChatHeader(chat);
  for (const m of branch) out += markdownMessage(m);
  return out;
}
