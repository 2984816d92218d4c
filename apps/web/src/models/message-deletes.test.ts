import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '@chat-studio/protocol';
import { deleteMessage, deletedText, settleMessageDeletes } from './message-deletes.js';
import { messages, messagesSessionId, newerCursor } from './messages.js';
import { UNDO_DELETE_MS } from './sessions.js';
import { toasts } from './toasts.js';
import { chatMessage } from '../testing/chat-message.js';

const S = '01J00000000000000000000000';
const ids = [
  '01J00000000000000000000010',
  '01J00000000000000000000011',
  '01J00000000000000000000012',
  '01J00000000000000000000013',
];

function message(i: number): ChatMessage {
  const parent_id = i === 0 ? null : ids[i - 1]!;
  return chatMessage({ id: ids[i]!, session_id: S, parent_id, role: i % 2 ? 'assistant' : 'user', content: `m${i}` });
}

/** A fake server: the subtree of message 1 is 3 messages (this branch's 2 and one on another branch). */
function fakeServer() {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${input}`);
    const body = input.endsWith('/subtree')
      ? { message_id: ids[1], count: 3 }
      : { deleted: 3, current_leaf_id: ids[0] };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

describe('message delete with the count and Undo', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    messagesSessionId.value = S;
    messages.value = [0, 1, 2, 3].map(message);
    newerCursor.value = null;
    toasts.value = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('says how many go, hides them at once, and Undo puts them back without a DELETE', async () => {
    const calls = fakeServer();
    await deleteMessage(message(1));
    expect(messages.value.map((m) => m.id)).toEqual([ids[0]]);
    const toast = toasts.value.at(-1)!;
    expect(toast.message).toBe('Deleted 3 messages: this one and 2 below it, on every branch');
    toast.action!.run();
    expect(messages.value.map((m) => m.id)).toEqual(ids);
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS + 100);
    expect(calls.filter((c) => c.startsWith('DELETE'))).toEqual([]);
  });

  it('sends one DELETE for the whole subtree after the Undo window, or at once when something must go after it', async () => {
    const calls = fakeServer();
    await deleteMessage(message(1));
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS + 100);
    expect(calls.filter((c) => c.startsWith('DELETE'))).toEqual([`DELETE /api/chat/sessions/${S}/messages/${ids[1]}`]);

    messages.value = [0, 1, 2, 3].map(message);
    await deleteMessage(message(3));
    await settleMessageDeletes();
    expect(calls.filter((c) => c.startsWith('DELETE'))).toHaveLength(2);
    // Sent once: the timer that fires later finds nothing to send.
    await vi.advanceTimersByTimeAsync(UNDO_DELETE_MS + 100);
    expect(calls.filter((c) => c.startsWith('DELETE'))).toHaveLength(2);
  });

  it('words a single message plainly', () => {
    expect(deletedText(1)).toBe('Deleted 1 message');
  });
});
