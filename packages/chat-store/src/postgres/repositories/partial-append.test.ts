import { postgresUnavailable } from '@chat-studio/test-support';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempPostgresStore, type TempPostgresStore } from '../../../test/postgres-db.js';
import { createPool } from '../create-pool.js';
import { createPostgresMessagesRepository } from './messages.repository.js';

/** What a dropped connection after COMMIT looks like to the caller: the statement ran, its answer never came. */
class LostAnswerError extends Error {
  override readonly name = 'LostAnswerError';
}

describe.skipIf(postgresUnavailable() !== undefined)('postgres appendPartial retried after a lost answer', () => {
  let t: TempPostgresStore;
  let pool: pg.Pool;
  let loseNextAnswer = false;
  beforeEach(async () => {
    t = await openTempPostgresStore();
    pool = await createPool({ url: t.db.url, max: 2, readonly: false });
    loseNextAnswer = false;
  });
  afterEach(async () => {
    await pool.end();
    await t.cleanup();
  });

  /** The store's messages repository over a pool whose next UPDATE commits and then fails, as after a drop. */
  function messagesWithLossyPool() {
    const query = (async (config: pg.QueryConfig) => {
      const result = await pool.query(config);
      if (loseNextAnswer && /^\s*UPDATE/i.test(config.text)) {
        loseNextAnswer = false;
        throw new LostAnswerError('Connection terminated unexpectedly');
      }
      return result;
    }) as pg.Pool['query'];
    let n = 0;
    return createPostgresMessagesRepository({
      db: t.store.db,
      pool: { query } as pg.Pool,
      now: () => Date.now(),
      newId: () => `id-${n++}`,
    });
  }

  it('stores a piece once when its append committed but the caller saw an error and sent it again', async () => {
    const session = await t.store.sessions.create('u');
    await t.store.messages.append('u', session.id, { role: 'user', content: 'Tell me a story' });
    const reply = await t.store.messages.append('u', session.id, { role: 'assistant', content: '', status: 'partial' });
    const messages = messagesWithLossyPool();

    expect(await messages.appendPartial('u', reply!.id, 'Once 🐉')).toBe(true);
    loseNextAnswer = true;
    await expect(messages.appendPartial('u', reply!.id, ' upon')).rejects.toThrow(LostAnswerError);
    // The piece did commit: the stored partial already has it.
    expect((await t.store.messages.get('u', reply!.id))?.content).toBe('Once 🐉 upon');
    // The flusher sends the failed piece again with what came after it.
    expect(await messages.appendPartial('u', reply!.id, ' upon a time')).toBe(true);
    expect((await t.store.messages.get('u', reply!.id))?.content).toBe('Once 🐉 upon a time');
    expect(await messages.appendPartial('u', reply!.id, ', a dragon')).toBe(true);
    expect((await t.store.messages.get('u', reply!.id))?.content).toBe('Once 🐉 upon a time, a dragon');
  });

  it('a first append whose answer is lost is not doubled either, and a finished reply takes no more', async () => {
    const session = await t.store.sessions.create('u');
    const reply = await t.store.messages.append('u', session.id, {
      role: 'assistant',
      content: 'Begun elsewhere.',
      status: 'partial',
    });
    const messages = messagesWithLossyPool();
    loseNextAnswer = true;
    await expect(messages.appendPartial('u', reply!.id, ' Then')).rejects.toThrow(LostAnswerError);
    expect(await messages.appendPartial('u', reply!.id, ' Then more')).toBe(true);
    expect((await t.store.messages.get('u', reply!.id))?.content).toBe('Begun elsewhere. Then more');
    // Overwritten by the flush of the whole text: the next append starts from the new length.
    expect(await messages.writePartial('u', reply!.id, 'Rewritten')).toBe(true);
    expect(await messages.appendPartial('u', reply!.id, '!')).toBe(true);
    expect((await t.store.messages.get('u', reply!.id))?.content).toBe('Rewritten!');
    await messages.update('u', reply!.id, { content: 'Final.', status: 'complete' });
    expect(await messages.appendPartial('u', reply!.id, ' late')).toBe(false);
    expect((await t.store.messages.get('u', reply!.id))?.content).toBe('Final.');
  });
});
