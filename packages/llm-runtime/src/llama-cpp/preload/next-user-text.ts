import { randomUUID } from 'node:crypto';
import { LlamaText, type ChatHistoryItem, type ChatWrapper } from 'node-llama-cpp';
import { historyItemKey } from '../chat-history.js';

/**
 * The context text of `window` followed by a user turn, cut where the user's text would start (after
 * `userTextPrefix`, the part of it known ahead: attached files): what every next turn renders first, whatever its
 * message. Rendered with a marker as the text, as node-llama-cpp does for the same cut.
 */
export function upToNextUserText(
  chatWrapper: ChatWrapper,
  window: readonly ChatHistoryItem[],
  userTextPrefix = '',
): LlamaText {
  const marker = `W${randomUUID().replaceAll('-', '')}W`;
  const { contextText } = chatWrapper.generateContextState({
    chatHistory: [...window, { type: 'user', text: `${userTextPrefix}${marker}` }],
  });
  const values = contextText.values;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (typeof value !== 'string') continue;
    const at = value.indexOf(marker);
    if (at >= 0) return LlamaText([...values.slice(0, index), value.slice(0, at)]);
  }
  // A wrapper that drops user text: fall back to the window alone, the part every next turn renders the same.
  return chatWrapper.generateContextState({ chatHistory: [...window] }).contextText;
}

/** Whether two histories render the same items. */
export function sameHistory(a: readonly ChatHistoryItem[], b: readonly ChatHistoryItem[]): boolean {
  return a.length === b.length && a.every((item, index) => historyItemKey(item) === historyItemKey(b[index]!));
}

/** How many system items open `history` (an instruction is inserted after them). */
export function leadingSystemCount(history: readonly ChatHistoryItem[]): number {
  let count = 0;
  while (history[count]?.type === 'system') count++;
  return count;
}
