import {
  LlamaText,
  type ChatHistoryItem,
  type ChatModelResponse,
  type ChatWrapper,
  type Tokenizer,
} from 'node-llama-cpp';

/** What node-llama-cpp hands a context shift strategy. */
export interface ContextShiftInput {
  chatHistory: readonly ChatHistoryItem[];
  maxTokensCount: number;
  tokenizer: Tokenizer;
  chatWrapper: ChatWrapper;
}

/** What the strategy returns; the metadata says what was cut, for logs and tests. */
export interface ContextShiftOutput {
  chatHistory: ChatHistoryItem[];
  metadata: { droppedItems: number; trimmedCharacters: number };
}

/**
 * Context shift that drops the oldest whole turns and keeps the leading system messages and the newest turns, filling
 * up to `maxTokensCount` tokens. node-llama-cpp's built-in strategy removes characters by an estimate of characters per
 * token that ignores the chat template's own tokens, and with short turns it erased the whole conversation but the last
 * message (measured with stories260K: 36 turns, 2,004 tokens, asked to keep 1,000, kept 30).
 *
 * When the system messages and the newest turn alone do not fit (one message longer than the context, or a reply
 * generated past it), the start of that turn is cut: first the reply down to its last 256 characters, then the user
 * message, then the rest of the reply; the end is what the model continues from.
 *
 * @example
 * chat.generateResponse(history, { contextShift: { size: 1024, strategy: keepNewestTurns } });
 */
export function keepNewestTurns({
  chatHistory,
  maxTokensCount,
  tokenizer,
  chatWrapper,
}: ContextShiftInput): ContextShiftOutput {
  const fits = (history: readonly ChatHistoryItem[]) => countTokens(history, tokenizer, chatWrapper) <= maxTokensCount;
  let headLength = 0;
  while (headLength < chatHistory.length && chatHistory[headLength]!.type === 'system') headLength++;
  const head = chatHistory.slice(0, headLength);
  const body = chatHistory.slice(headLength);
  const lastTurnStart = lastUserIndex(body);

  // Turn starts, oldest first: dropping up to one of them leaves whole turns. Fewer tokens the later the cut.
  const cuts = [0];
  for (let index = 1; index <= lastTurnStart; index++) if (body[index]!.type === 'user') cuts.push(index);
  if (!cuts.includes(lastTurnStart)) cuts.push(lastTurnStart);
  let low = 0;
  let high = cuts.length - 1;
  if (fits([...head, ...body.slice(cuts[high]!)])) {
    while (low < high) {
      const middle = (low + high) >> 1;
      if (fits([...head, ...body.slice(cuts[middle]!)])) high = middle;
      else low = middle + 1;
    }
    const cut = cuts[low]!;
    return { chatHistory: [...head, ...body.slice(cut)], metadata: { droppedItems: cut, trimmedCharacters: 0 } };
  }

  const turn = body.slice(lastTurnStart);
  const trimmed = trimTurnStart(head, turn, fits);
  return {
    chatHistory: trimmed.history,
    metadata: { droppedItems: lastTurnStart, trimmedCharacters: trimmed.removed },
  };
}

function countTokens(history: readonly ChatHistoryItem[], tokenizer: Tokenizer, chatWrapper: ChatWrapper): number {
  // The same measure node-llama-cpp checks the strategy's result with.
  return chatWrapper.generateContextState({ chatHistory: [...history] }).contextText.tokenize(tokenizer).length;
}

function lastUserIndex(body: readonly ChatHistoryItem[]): number {
  for (let index = body.length - 1; index >= 0; index--) if (body[index]!.type === 'user') return index;
  return Math.max(0, body.length - 1);
}

const KEEP_REPLY_CHARACTERS = 256;

/**
 * Cuts characters from the start of the newest turn (and, if it must, the system messages' ends) until it fits.
 * A binary search over the number of characters removed; each probe renders and tokenizes the window once.
 */
function trimTurnStart(
  head: readonly ChatHistoryItem[],
  turn: readonly ChatHistoryItem[],
  fits: (history: readonly ChatHistoryItem[]) => boolean,
): { history: ChatHistoryItem[]; removed: number } {
  const user = turn.find((item) => item.type === 'user');
  const model = turn.findLast((item) => item.type === 'model');
  const userText = user?.type === 'user' ? user.text : '';
  const reply = model?.type === 'model' ? model.response : [];
  const replyLength = responseLength(reply);
  const firstReplyCut = Math.max(0, replyLength - KEEP_REPLY_CHARACTERS);
  const turnTotal = replyLength + userText.length;

  const build = (removed: number): ChatHistoryItem[] => {
    const fromReplyFirst = Math.min(removed, firstReplyCut);
    const fromUser = Math.min(userText.length, removed - fromReplyFirst);
    const fromReplyRest = removed - fromReplyFirst - fromUser;
    const items: ChatHistoryItem[] = [];
    if (user && fromUser < userText.length) items.push({ type: 'user', text: userText.slice(fromUser) });
    if (model) items.push({ type: 'model', response: dropResponseStart(reply, fromReplyFirst + fromReplyRest) });
    return items;
  };

  if (fits([...head, ...build(turnTotal)])) {
    const removed = smallestFitting(turnTotal, (count) => fits([...head, ...build(count)]));
    return { history: [...head, ...build(removed)], removed };
  }
  // Even an empty turn does not fit: the system messages are longer than the context. Keep their beginnings.
  const systemText = head.map((item) => (item.type === 'system' ? plainText(item.text) : '')).join('\n');
  const withSystem = (removed: number): ChatHistoryItem[] => [
    ...(removed < systemText.length
      ? [{ type: 'system', text: systemText.slice(0, systemText.length - removed) } as const]
      : []),
    ...build(turnTotal),
  ];
  const removed = smallestFitting(systemText.length, (count) => fits(withSystem(count)));
  return { history: withSystem(removed), removed: turnTotal + removed };
}

/** The least count in [0, max] for which `ok` holds, assuming it holds at max and stays true as count grows. */
function smallestFitting(max: number, ok: (count: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ok(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function responseLength(response: ChatModelResponse['response']): number {
  let length = 0;
  for (const part of response) {
    if (typeof part === 'string') length += part.length;
    else if (part.type === 'segment') length += part.text.length;
  }
  return length;
}

/** Removes `count` characters from the front of a reply; function calls before the kept text go too. */
function dropResponseStart(response: ChatModelResponse['response'], count: number): ChatModelResponse['response'] {
  let left = count;
  const kept: ChatModelResponse['response'] = [];
  for (const part of response) {
    if (typeof part === 'string') {
      if (left >= part.length) left -= part.length;
      else {
        kept.push(part.slice(left));
        left = 0;
      }
    } else if (part.type === 'segment') {
      if (left >= part.text.length && part.ended) left -= part.text.length;
      else {
        kept.push({ ...part, text: part.text.slice(Math.min(left, part.text.length)) });
        left = Math.max(0, left - part.text.length);
      }
    } else if (left === 0) kept.push(part);
  }
  return kept;
}

function plainText(text: Extract<ChatHistoryItem, { type: 'system' }>['text']): string {
  return typeof text === 'string' ? text : LlamaText.fromJSON(text).toString();
}
