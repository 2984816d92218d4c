import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatSession } from '@chat-studio/protocol';
import {
  deleteSession,
  currentSessionId,
  pendingDeletes,
  sessionGroups,
  sessions,
  now,
  UNDO_DELETE_MS,
} from './sessions.js';
import { toasts } from './toasts.js';
import { paramsFromSettings } from './settings.js';

function session(id: string, updated: string, pinned = false): ChatSession {
  return { id, title: `t-${id}`, created_at: updated, updated_at: updated, pinned, archived: false, settings: {} };
}

const A = '01J00000000000000000000000';
const B = '01J00000000000000000000001';

describe('sessions model: grouping and delete with undo', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    now.value = new Date('2026-03-15T12:00:00');
    sessions.value = [
      session(A, new Date('2026-03-15T09:00:00').toISOString()),
      session(B, new Date('2026-01-01T09:00:00').toISOString(), true),
    ];
    toasts.value = [];
  });
  afterEach(() => vi.useRealTimers());

  it('groups the loaded sessions by date with pinned first', () => {
    expect(sessionGroups.value.map((g) => [g.label, g.sessions.map((s) => s.id)])).toEqual([
      ['Pinned', [B]],
      ['Today', [A]],
    ]);
  });

  it('hides a deleted session at once and brings it back on Undo before the DELETE is sent', () => {
    currentSessionId.value = A;
    deleteSession(A);
    expect(sessionGroups.value.flatMap((g) => g.sessions.map((s) => s.id))).toEqual([B]);
    expect(currentSessionId.value).toBeNull();
    const toast = toasts.value.at(-1)!;
    expect(toast.action?.label).toBe('Undo');
    vi.advanceTimersByTime(UNDO_DELETE_MS - 100);
    toast.action!.run();
    expect(pendingDeletes.value.has(A)).toBe(false);
    expect(sessionGroups.value.flatMap((g) => g.sessions.map((s) => s.id))).toContain(A);
    expect(toasts.value.find((t) => t.id === toast.id)).toBeUndefined();
    vi.advanceTimersByTime(UNDO_DELETE_MS * 2);
    // No delete was attempted, so no error was reported.
    expect(toasts.value.filter((t) => t.kind === 'error')).toEqual([]);
  });

  it('sends the DELETE after the undo window; a failed DELETE shows an error and the chat comes back', async () => {
    deleteSession(A);
    vi.advanceTimersByTime(UNDO_DELETE_MS);
    // Node has no page origin, so the same-origin request fails like a network error would.
    await vi.waitFor(() =>
      expect(toasts.value.some((t) => t.kind === 'error' && /Could not delete the chat/.test(t.message))).toBe(true),
    );
    expect(pendingDeletes.value.has(A)).toBe(false);
    expect(sessions.value.map((s) => s.id)).toContain(A);
  });
});

describe('settings model', () => {
  it('turns session settings into generation params, dropping UI-only and empty fields', () => {
    expect(
      paramsFromSettings({ temperature: 0.2, top_p: 0.9, speak_replies: true, model_id: 'm', system_prompt: '' }),
    ).toEqual({
      temperature: 0.2,
      top_p: 0.9,
    });
    expect(paramsFromSettings({ speak_replies: false })).toBeUndefined();
    expect(paramsFromSettings({ max_tokens: 64, system_prompt: 'Be brief.' })).toEqual({
      max_tokens: 64,
      system_prompt: 'Be brief.',
    });
  });
});
