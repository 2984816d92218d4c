/** The sentence a toast shows after an import. */
import type { ImportSummary } from '@chat-studio/protocol';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One sentence about an import: how many chats came in, how many were already there, what was left out.
 *
 * @example
 * importMessage(summary) // 'Imported 2 of 3 chats (10 messages); 1 already imported before, skipped.'
 */
export function importMessage(summary: ImportSummary): string {
  const parts = [`Imported ${summary.imported} of ${plural(summary.chats, 'chat')} (${summary.messages} messages)`];
  if (summary.duplicates > 0) parts.push(`${summary.duplicates} already imported before, skipped`);
  if (summary.skipped.nodes + summary.skipped.parts > 0) {
    parts.push(
      `left out ${plural(summary.skipped.parts, 'attachment or non-text part')} and ${plural(summary.skipped.nodes, 'empty or tool node')}`,
    );
  }
  return `${parts.join('; ')}.`;
}
