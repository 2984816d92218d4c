import { describe, expect, it } from 'vitest';
import { ChatUnavailableError } from '../../errors/index.js';
import type { LastEvaluation } from '../chat-history.js';
import { createSequencePool } from '../sequence-pool.js';
import { emptySlotState, withSlot, type StatefulPool } from './index.js';

/** A fake evaluation: only its identity matters to the slot logic. */
function evaluation(tag: string): LastEvaluation {
  return { cleanHistory: [{ type: 'user', text: tag }], contextWindow: [], contextShiftMetadata: undefined };
}

/** A preload that finishes when `finish` is called, recording whether it was aborted. */
function fakePreload() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { preload: { controller: new AbortController(), done }, finish };
}

function twoSlots(): { pool: StatefulPool<string>; inFlight: Set<Promise<unknown>> } {
  return { pool: createSequencePool(['s0', 's1'], emptySlotState), inFlight: new Set() };
}

describe('withSlot', () => {
  it("keeps a session's evaluation on its own slot and drops another session's", async () => {
    const { pool, inFlight } = twoSlots();
    await withSlot({ pool, inFlight, sessionKey: 'a' }, async (slot) => {
      slot.last = evaluation('a');
    });
    const seen = await withSlot({ pool, inFlight, sessionKey: 'a' }, async (slot, reused) => ({
      reused,
      last: slot.last,
    }));
    expect(seen).toEqual({ reused: true, last: evaluation('a') });
    // b takes the free slot, c then evicts the least recently used (a's is newer): a keeps its prefix.
    await withSlot({ pool, inFlight, sessionKey: 'b' }, async (slot) => {
      slot.last = evaluation('b');
    });
    const forC = await withSlot({ pool, inFlight, sessionKey: 'c' }, async (slot, reused) => ({
      reused,
      last: slot.last,
      sequence: slot.sequence,
    }));
    expect(forC).toEqual({ reused: false, last: undefined, sequence: 's0' });
    expect(pool.ownedBy('b')?.last).toEqual(evaluation('b'));
  });

  it("waits for the session's own preload and aborts another session's", async () => {
    const { pool, inFlight } = twoSlots();
    await withSlot({ pool, inFlight, sessionKey: 'a' }, async () => undefined);
    const own = fakePreload();
    const slotA = pool.ownedBy('a')!;
    slotA.preload = own.preload;
    let started = false;
    const turn = withSlot({ pool, inFlight, sessionKey: 'a' }, async () => {
      started = true;
    });
    await Promise.resolve();
    expect(started).toBe(false);
    expect(own.preload.controller.signal.aborted).toBe(false);
    own.finish();
    await turn;
    expect(started).toBe(true);

    // A plain completion (no session) takes the least recently used slot: a's, whose preload is aborted.
    await withSlot({ pool, inFlight, sessionKey: 'b' }, async () => undefined);
    const other = fakePreload();
    slotA.preload = other.preload;
    const completion = withSlot({ pool, inFlight, sessionKey: undefined }, async (slot) => slot.sequence);
    expect(other.preload.controller.signal.aborted).toBe(true);
    other.finish();
    expect(await completion).toBe('s0');
    expect(slotA.sessionKey).toBeNull();
  });

  it('gives the slot back and leaves no run in flight, also when the work throws', async () => {
    const { pool, inFlight } = twoSlots();
    const failing = withSlot({ pool, inFlight, sessionKey: 'a' }, async () => {
      throw new Error('boom');
    });
    expect(inFlight.size).toBe(1);
    await expect(failing).rejects.toThrow('boom');
    expect(inFlight.size).toBe(0);
    expect(pool.inUse).toBe(0);
  });

  it('refuses with ChatUnavailableError when every slot is busy', async () => {
    const { pool, inFlight } = twoSlots();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = withSlot({ pool, inFlight, sessionKey: 'a' }, () => held);
    const second = withSlot({ pool, inFlight, sessionKey: 'b' }, () => held);
    await expect(withSlot({ pool, inFlight, sessionKey: 'c' }, async () => undefined)).rejects.toBeInstanceOf(
      ChatUnavailableError,
    );
    release();
    await Promise.all([first, second]);
    expect(pool.inUse).toBe(0);
  });
});
