/** The title a new chat gets from its first message. */

/**
 * The first non-blank line of the message, cut to 60 characters; `New chat` when there is none.
 *
 * @example
 * titleFrom('\n  Plan the trip\nto Rome') // 'Plan the trip'
 */
export function titleFrom(text: string): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? 'New chat';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
