import { describe, expect, it } from 'vitest';
import { createSequencePool } from './sequence-pool.js';

describe('createSequencePool', () => {
  it('keeps a session on its own sequence and evicts the least recently used', () => {
    const pool = createSequencePool(['s0', 's1']);
    const a = pool.take('a')!;
    pool.give(a.slot);
    const b = pool.take('b')!;
    pool.give(b.slot);
    expect(a.slot.sequence).not.toBe(b.slot.sequence);
    const againA = pool.take('a')!;
    expect(againA).toMatchObject({ reused: true });
    expect(againA.slot.sequence).toBe(a.slot.sequence);
    pool.give(againA.slot);
    // b is now the least recently used and gets evicted for c.
    const c = pool.take('c')!;
    expect(c.reused).toBe(false);
    expect(c.slot.sequence).toBe(b.slot.sequence);
    expect(c.slot.sessionKey).toBe('c');
  });

  it('returns null when every sequence is busy and prefers unowned slots', () => {
    const pool = createSequencePool(['s0', 's1']);
    const a = pool.take('a')!;
    const anonymous = pool.take(undefined)!;
    expect(pool.inUse).toBe(2);
    expect(pool.take('x')).toBeNull();
    pool.give(anonymous.slot);
    pool.give(a.slot);
    expect(pool.take('b')!.slot).toBe(anonymous.slot);
  });
});

describe('createSequencePool with per-slot state', () => {
  it('gives each slot its own state object, typed without casts', () => {
    const pool = createSequencePool(['s0', 's1'], (): { last?: string } => ({}));
    const a = pool.take('a')!;
    a.slot.last = 'a-tokens';
    pool.give(a.slot);
    const b = pool.take('b')!;
    expect(b.slot.last).toBeUndefined();
    expect(pool.ownedBy('a')?.last).toBe('a-tokens');
    expect(pool.ownedBy('nobody')).toBeUndefined();
  });

  it("takes the session's own slot even when an unowned one is free", () => {
    const pool = createSequencePool(['s0', 's1', 's2']);
    const a = pool.take('a')!;
    pool.give(a.slot);
    const again = pool.take('a')!;
    expect(again.reused).toBe(true);
    expect(again.slot).toBe(a.slot);
  });
});
