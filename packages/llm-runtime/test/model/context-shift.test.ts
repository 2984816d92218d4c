import {
  getLlama,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaModel,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepNewestTurns } from '../../src/llama-cpp/index.js';
import { MODEL_PATH } from './helpers.js';

describe('keepNewestTurns with the real tokenizer and chat wrapper', () => {
  let llama: Llama;
  let model: LlamaModel;
  let chatWrapper: ChatWrapper;
  const count = (history: readonly ChatHistoryItem[]) =>
    chatWrapper.generateContextState({ chatHistory: [...history] }).contextText.tokenize(model.tokenizer).length;

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: MODEL_PATH });
    chatWrapper = resolveChatWrapper(model);
  });
  afterAll(async () => {
    await model.dispose();
    await llama.dispose();
  });

  function conversation(turns: number): ChatHistoryItem[] {
    const history: ChatHistoryItem[] = [{ type: 'system', text: 'You are a kind storyteller.' }];
    for (let turn = 1; turn <= turns; turn++) {
      history.push({ type: 'user', text: `Turn ${turn}: and then?` });
      history.push({ type: 'model', response: [`Then the little dog ran to the park number ${turn}.`] });
    }
    history.push({ type: 'user', text: 'What happened at the end?' });
    history.push({ type: 'model', response: [] });
    return history;
  }

  it('keeps the system prompt and as many of the newest whole turns as fit', () => {
    const history = conversation(40);
    const total = count(history);
    const maxTokensCount = Math.floor(total / 2);
    const { chatHistory, metadata } = keepNewestTurns({
      chatHistory: history,
      maxTokensCount,
      tokenizer: model.tokenizer,
      chatWrapper,
    });

    expect(chatHistory[0]).toEqual(history[0]);
    expect(chatHistory[1]?.type).toBe('user');
    // A suffix of the conversation, untouched.
    expect(chatHistory.slice(1)).toEqual(history.slice(history.length - (chatHistory.length - 1)));
    expect(metadata).toMatchObject({ droppedItems: history.length - chatHistory.length, trimmedCharacters: 0 });
    const kept = count(chatHistory);
    expect(kept).toBeLessThanOrEqual(maxTokensCount);
    // One more turn would not have fitted: nothing was dropped that could stay.
    const oneMore = [history[0]!, ...history.slice(history.length - (chatHistory.length - 1) - 2)];
    expect(count(oneMore)).toBeGreaterThan(maxTokensCount);
    // node-llama-cpp's own strategy kept only the last message of such a conversation; this keeps about half.
    expect(kept).toBeGreaterThan(maxTokensCount * 0.8);
  });

  it('returns the history unchanged when it already fits', () => {
    const history = conversation(3);
    const { chatHistory, metadata } = keepNewestTurns({
      chatHistory: history,
      maxTokensCount: count(history),
      tokenizer: model.tokenizer,
      chatWrapper,
    });
    expect(chatHistory).toEqual(history);
    expect(metadata.droppedItems).toBe(0);
  });

  it("cuts the start of a reply generated past the context, keeping the question and the reply's end", () => {
    const reply = Array.from({ length: 120 }, (_, i) => `Word${i}`).join(' ');
    const history: ChatHistoryItem[] = [
      { type: 'system', text: 'Tell stories.' },
      { type: 'user', text: 'Once upon a time' },
      { type: 'model', response: [reply] },
    ];
    const maxTokensCount = Math.floor(count(history) / 2);
    const { chatHistory, metadata } = keepNewestTurns({
      chatHistory: history,
      maxTokensCount,
      tokenizer: model.tokenizer,
      chatWrapper,
    });
    expect(count(chatHistory)).toBeLessThanOrEqual(maxTokensCount);
    expect(chatHistory.slice(0, 2)).toEqual(history.slice(0, 2));
    const kept = chatHistory[2];
    expect(kept?.type).toBe('model');
    const text = kept?.type === 'model' ? kept.response.join('') : '';
    expect(reply.endsWith(text)).toBe(true);
    expect(text.length).toBeGreaterThan(0);
    expect(metadata.trimmedCharacters).toBe(reply.length - text.length);
  });

  it('cuts the start of a single user message longer than the context', () => {
    const message = 'The cat sat on the mat and looked at the bird. '.repeat(60);
    const history: ChatHistoryItem[] = [
      { type: 'user', text: message },
      { type: 'model', response: [] },
    ];
    const { chatHistory } = keepNewestTurns({
      chatHistory: history,
      maxTokensCount: 200,
      tokenizer: model.tokenizer,
      chatWrapper,
    });
    expect(count(chatHistory)).toBeLessThanOrEqual(200);
    const user = chatHistory[0];
    expect(user?.type).toBe('user');
    const text = user?.type === 'user' ? user.text : '';
    expect(message.endsWith(text)).toBe(true);
    expect(text.length).toBeGreaterThan(100);
  });
});
