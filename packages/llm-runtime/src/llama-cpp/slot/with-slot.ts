import { ChatUnavailableError } from '../../errors/index.js';
import type { StatefulPool, StatefulSlot } from './slot-state.js';

/** Options for {@link withSlot}. */
export interface WithSlotOptions<S> {
  pool: StatefulPool<S>;
  /** The chat session asking; undefined for work that keeps no chat state (a plain completion). */
  sessionKey: string | undefined;
  /** Every run is added here until it settles, so that retiring the model can wait for it. */
  inFlight: Set<Promise<unknown>>;
}

/**
 * Takes a slot for `sessionKey`, hands it over from any preload, runs `work` on it and gives it back.
 *
 * The KV prefix choice: the session's own slot keeps its state (`reused`), so its preload is the start of this very
 * evaluation and is awaited; a slot taken from another session (or for no session) has its preload aborted and its
 * state dropped, since the sequence holds someone else's tokens. Capacity is the runtime's queue's to decide: it admits
 * no more requests than there are sequences, so through the runtime a slot is always free. A caller that drives the
 * provider directly past its sequences gets ChatUnavailableError when every slot is busy.
 *
 * @example
 * const result = await withSlot({ pool, sessionKey: 'chat-1', inFlight }, (slot, reused) => run(slot, reused));
 */
export async function withSlot<S, R>(
  options: WithSlotOptions<S>,
  work: (slot: StatefulSlot<S>, reused: boolean) => Promise<R>,
): Promise<R> {
  const { pool, inFlight } = options;
  const taken = pool.take(options.sessionKey);
  if (!taken) throw new ChatUnavailableError('every sequence is busy');
  const { slot, reused } = taken;
  const run = (async () => {
    if (slot.preload && !reused) slot.preload.controller.abort();
    await slot.preload?.done;
    if (!reused) slot.last = undefined;
    return work(slot, reused);
  })();
  inFlight.add(run);
  try {
    return await run;
  } finally {
    inFlight.delete(run);
    pool.give(slot);
  }
}
