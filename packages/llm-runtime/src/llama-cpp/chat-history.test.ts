import type { ChatHistoryItem } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/index.js';
import { continuedContextWindow, toChatHistory } from './chat-history.js';

describe('toChatHistory', () => {
  it('puts the system prompt first and ends with an empty model turn', () => {
    expect(toChatHistory([{ role: 'user', content: 'Hi' }], { system_prompt: 'Be brief' })).toEqual([
      { type: 'system', text: 'Be brief' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: [] },
    ]);
  });
  it('continues a trailing assistant message', () => {
    const history = toChatHistory([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hel' },
    ]);
    expect(history.at(-1)).toEqual({ type: 'model', response: ['Hel'] });
  });
  it('rejects a conversation without user or assistant messages', () => {
    expect(() => toChatHistory([{ role: 'system', content: 'x' }])).toThrow(InvalidRequestError);
  });
});

describe('continuedContextWindow', () => {
  const clean: ChatHistoryItem[] = [
    { type: 'system', text: 'S' },
    { type: 'user', text: 'one' },
    { type: 'model', response: ['reply'] },
  ];
  const shifted: ChatHistoryItem[] = [
    { type: 'system', text: 'S' },
    { type: 'model', response: ['reply'] },
  ];
  it('appends new items to the shifted window when the history continues', () => {
    const next: ChatHistoryItem[] = [...clean, { type: 'user', text: 'two' }, { type: 'model', response: [] }];
    expect(
      continuedContextWindow({ cleanHistory: clean, contextWindow: shifted, contextShiftMetadata: null }, next),
    ).toEqual([...shifted, { type: 'user', text: 'two' }, { type: 'model', response: [] }]);
  });
  it('gives up when an earlier message changed', () => {
    const edited: ChatHistoryItem[] = [
      clean[0]!,
      { type: 'user', text: 'ONE' },
      clean[2]!,
      { type: 'user', text: 'two' },
    ];
    expect(
      continuedContextWindow({ cleanHistory: clean, contextWindow: shifted, contextShiftMetadata: null }, edited),
    ).toBeUndefined();
  });
  it('continues a history that lost its oldest messages to the history limit', () => {
    const window: ChatHistoryItem[] = [...clean];
    const limited: ChatHistoryItem[] = [
      clean[0]!,
      clean[2]!,
      { type: 'user', text: 'two' },
      { type: 'model', response: [] },
    ];
    expect(
      continuedContextWindow({ cleanHistory: clean, contextWindow: window, contextShiftMetadata: null }, limited),
    ).toEqual([...window, { type: 'user', text: 'two' }, { type: 'model', response: [] }]);
    // The system prompt is not part of what the limit drops: a changed one starts over.
    const otherSystem: ChatHistoryItem[] = [{ type: 'system', text: 'T' }, ...limited.slice(1)];
    expect(
      continuedContextWindow({ cleanHistory: clean, contextWindow: window, contextShiftMetadata: null }, otherSystem),
    ).toBeUndefined();
    // Editing an earlier question of a chat whose turns repeat (everything after it is deleted) is not taken for a
    // limit that dropped two turns: a limit drops no more messages than a turn adds.
    const repeated: ChatHistoryItem[] = [clean[0]!, clean[1]!, clean[2]!, clean[1]!, clean[2]!, clean[1]!, clean[2]!];
    const edited: ChatHistoryItem[] = [
      clean[0]!,
      clean[1]!,
      clean[2]!,
      { type: 'user', text: 'other' },
      { type: 'model', response: [] },
    ];
    expect(
      continuedContextWindow({ cleanHistory: repeated, contextWindow: repeated, contextShiftMetadata: null }, edited),
    ).toBeUndefined();
    // Nothing new after the kept messages: not a continuation.
    expect(
      continuedContextWindow({ cleanHistory: clean, contextWindow: window, contextShiftMetadata: null }, [
        clean[0]!,
        clean[2]!,
      ]),
    ).toBeUndefined();
  });
});
