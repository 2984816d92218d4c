import type { GenerationParams } from '@chat-studio/protocol';
import type { ChatHistoryItem } from 'node-llama-cpp';
import { InvalidRequestError } from '../errors/index.js';
import type { GenerateMessage } from '../provider/index.js';

/**
 * Converts protocol messages to node-llama-cpp chat history ending in a model turn to fill.
 * `params.system_prompt` goes first; a trailing assistant message is continued rather than answered.
 *
 * @example
 * toChatHistory([{ role: 'user', content: 'Hi' }]) // [{ type: 'user', text: 'Hi' }, { type: 'model', response: [] }]
 */
export function toChatHistory(messages: readonly GenerateMessage[], params?: GenerationParams): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  if (params?.system_prompt) history.push({ type: 'system', text: params.system_prompt });
  for (const message of messages) {
    if (message.role === 'system') history.push({ type: 'system', text: message.content });
    else if (message.role === 'user') history.push({ type: 'user', text: message.content });
    else history.push({ type: 'model', response: [message.content] });
  }
  if (!history.some((item) => item.type !== 'system')) {
    throw new InvalidRequestError('messages must contain at least one user or assistant message');
  }
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** A comparable fingerprint of a history item (text only; segments and function calls are not used here). */
export function historyItemKey(item: ChatHistoryItem): string {
  if (item.type === 'model') {
    return `model:${item.response.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('')}`;
  }
  return `${item.type}:${item.text}`;
}

/** What a slot remembers from its session's last turn. */
export interface LastEvaluation {
  cleanHistory: ChatHistoryItem[];
  contextWindow: ChatHistoryItem[];
  contextShiftMetadata: unknown;
}

/**
 * When the new history extends the last turn's history, returns the last (possibly shifted) context window with
 * the new items appended, so node-llama-cpp evaluates only the new tokens instead of rebuilding the window.
 * The final empty model item of the last turn was filled by the reply, so the comparison skips it.
 */
export function continuedContextWindow(
  last: LastEvaluation | undefined,
  history: readonly ChatHistoryItem[],
): ChatHistoryItem[] | undefined {
  if (!last || last.cleanHistory.length === 0 || history.length <= last.cleanHistory.length) return undefined;
  for (let index = 0; index < last.cleanHistory.length; index++) {
    if (historyItemKey(last.cleanHistory[index]!) !== historyItemKey(history[index]!)) return undefined;
  }
  return [...last.contextWindow, ...history.slice(last.cleanHistory.length)];
}
