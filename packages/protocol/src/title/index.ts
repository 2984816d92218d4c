/** The one title rule, shared by the server and the web app: a chat is named after its first message. */

/** Default title of a new session; a session still carrying it gets a title from its first exchange. */
export const DEFAULT_TITLE = 'New chat';

/**
 * A short title from the first user message: first line, collapsed whitespace, cut at a word near 60 chars.
 *
 * @example
 * deriveTitle('How do I rotate logs in pino?\nThanks') // 'How do I rotate logs in pino?'
 */
export function deriveTitle(message: string, max = 60): string {
  const line = message.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const text = line.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text || DEFAULT_TITLE;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
