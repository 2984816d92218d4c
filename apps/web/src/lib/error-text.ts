/** Error messages for people: sentences, never schema paths or raw codes. */
import { ChatApiError } from '@chat-studio/protocol';

/** Ends `text` with a full stop unless it ends with punctuation already. */
export function asSentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/** Long numbers get thousands separators ("100000" → "100,000"); years and ids are shorter than five digits or not bare. */
function groupDigits(text: string): string {
  return text.replace(/\b\d{5,}\b/g, (n) => Number(n).toLocaleString('en-US'));
}

function firstIssueMessage(details: unknown): string | null {
  if (!details || typeof details !== 'object' || !('issues' in details)) return null;
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues) || issues.length === 0) return null;
  const first: unknown = issues[0];
  return first && typeof first === 'object' && 'message' in first && typeof first.message === 'string'
    ? first.message
    : null;
}

/**
 * A sentence for anything thrown: for a 400 with field issues, the first issue's own message (without the
 * "Invalid request body: message:" path prefix the server puts in front); network failures say what happened.
 *
 * @example
 * humanError(new ChatApiError(400, 'validation_error', 'Invalid request body: message: Message is longer than 100000 characters', { issues: [{ path: 'message', message: 'Message is longer than 100000 characters' }] }))
 * // 'Message is longer than 100,000 characters.'
 */
export function humanError(error: unknown): string {
  if (error instanceof ChatApiError) {
    const issue = error.code === 'validation_error' ? firstIssueMessage(error.details) : null;
    return asSentence(groupDigits(issue ?? error.message.replace(/^Invalid [\w ]+?: (?:[\w.[\]]+: )?/, '')));
  }
  if (error instanceof TypeError && /fetch|network/i.test(error.message))
    return 'The server could not be reached. Check the connection and try again.';
  return asSentence(groupDigits(error instanceof Error ? error.message : String(error)));
}
