import type { GenerationParams } from '@chat-studio/protocol';
import type { ChatHistoryItem } from 'node-llama-cpp';
import { InvalidRequestError } from '../errors/index.js';
import type { GenerateMessage } from '../provider/index.js';
import { toModelResponse, toolResults } from '../tools/tool-history.js';

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
  // Tool results become part of the call they answer, as node-llama-cpp renders them.
  const results = toolResults(messages);
  messages.forEach((message, index) => {
    if (message.role === 'system') history.push({ type: 'system', text: message.content });
    else if (message.role === 'user') history.push({ type: 'user', text: message.content });
    else if (message.role === 'assistant')
      history.push({ type: 'model', response: toModelResponse(message, index, results) });
  });
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
  /** A preload's start of the next user turn (see `PreloadRequest.nextUserPrefix`), evaluated after the window. */
  nextUserPrefix?: string;
}

/**
 * When the new history extends the last turn's history, returns the last (possibly shifted) context window with
 * the new items appended, so node-llama-cpp evaluates only the new tokens instead of rebuilding the window.
 * The final empty model item of the last turn was filled by the reply, so the comparison skips it.
 *
 * The history may also have lost its oldest messages after the leading system ones: the API sends at most the last
 * `CHAT_HISTORY_LIMIT` messages, so once a chat is longer each turn drops one exchange from the front. That is still
 * a continuation; the window keeps what the model has already read until a context shift drops it. Without this,
 * every turn of such a chat re-evaluated its whole window (measured: 330 tokens a turn instead of 20).
 *
 * @example
 * continuedContextWindow(slot.last, toChatHistory(messages)) // undefined when an earlier message was edited
 */
export function continuedContextWindow(
  last: LastEvaluation | undefined,
  history: readonly ChatHistoryItem[],
): ChatHistoryItem[] | undefined {
  if (!last || last.cleanHistory.length === 0) return undefined;
  const head = leadingSystemItems(history);
  if (leadingSystemItems(last.cleanHistory) !== head) return undefined;
  const lastKeys = last.cleanHistory.map(historyItemKey);
  const keys = history.map(historyItemKey);
  for (let index = 0; index < head; index++) if (lastKeys[index] !== keys[index]) return undefined;
  for (let dropped = 0; head + dropped < lastKeys.length; dropped++) {
    const kept = lastKeys.length - head - dropped;
    const added = keys.length - head - kept;
    // Something must be new, and what was kept must come first, unchanged. A limit drops at most as many messages as
    // a turn adds; an edit that removed the newest messages is not mistaken for one unless every turn was the same.
    if (added <= 0 || dropped > added) continue;
    let same = true;
    for (let index = 0; index < kept && same; index++) same = lastKeys[head + dropped + index] === keys[head + index];
    if (same) return [...last.contextWindow, ...history.slice(head + kept)];
  }
  return undefined;
}

function leadingSystemItems(history: readonly ChatHistoryItem[]): number {
  let count = 0;
  while (count < history.length && history[count]!.type === 'system') count++;
  return count;
}
