import { describe, expect, it } from 'vitest';
import type { ChatSession } from '@chat-studio/protocol';
import { groupLabelFor, groupSessions } from './session-groups.js';

let n = 0;
function session(updated: Date, extra: Partial<ChatSession> = {}): ChatSession {
  n++;
  return {
    id: `01HZ${String(n).padStart(22, '0')}`,
    title: `s${n}`,
    created_at: updated.toISOString(),
    updated_at: updated.toISOString(),
    pinned: false,
    archived: false,
    settings: {},
    ...extra,
  };
}

// A fixed local "now": 15 March 2026, 10:30 local time.
const now = new Date(2026, 2, 15, 10, 30);
const at = (d: number, h = 12) => new Date(2026, 2, d, h);

describe('groupLabelFor', () => {
  it('uses local calendar days', () => {
    expect(groupLabelFor(session(new Date(2026, 2, 15, 0, 0, 1)), now)).toBe('Today');
    expect(groupLabelFor(session(new Date(2026, 2, 14, 23, 59)), now)).toBe('Yesterday');
    expect(groupLabelFor(session(new Date(2026, 2, 14, 0, 0)), now)).toBe('Yesterday');
    expect(groupLabelFor(session(new Date(2026, 2, 13, 23, 59)), now)).toBe('Previous 7 days');
    expect(groupLabelFor(session(at(8, 0)), now)).toBe('Previous 7 days');
    expect(groupLabelFor(session(at(7, 23)), now)).toBe('Older');
  });
  it('puts pinned sessions in Pinned whatever their age', () => {
    expect(groupLabelFor(session(at(1), { pinned: true }), now)).toBe('Pinned');
  });
  it('treats future timestamps (clock skew) as today', () => {
    expect(groupLabelFor(session(at(16)), now)).toBe('Today');
  });
});

describe('groupSessions', () => {
  it('orders groups Pinned, Today, Yesterday, Previous 7 days, Older and leaves out empty ones', () => {
    const old = session(at(1));
    const today1 = session(at(15, 8));
    const today2 = session(at(15, 9));
    const pinned = session(at(2), { pinned: true });
    const week = session(at(10));
    const groups = groupSessions([old, today1, pinned, today2, week], now);
    expect(groups.map((g) => g.label)).toEqual(['Pinned', 'Today', 'Previous 7 days', 'Older']);
    expect(groups[1]!.sessions.map((s) => s.id)).toEqual([today2.id, today1.id]);
    expect(groups[0]!.sessions).toEqual([pinned]);
  });
  it('returns no groups for no sessions', () => {
    expect(groupSessions([], now)).toEqual([]);
  });
});
