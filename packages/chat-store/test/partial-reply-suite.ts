/** `messages.writePartial` and `appendPartial` (the streaming flush), on both engines: one suite that each engine's test file runs. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SuiteStore } from './store-suite.js';

/**
 * Registers the partial-reply tests under `describe(name)`.
 *
 * @example
 * describePartialReplySuite('sqlite', () => openTempStore());
 */
export function describePartialReplySuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`${name} store: partial replies`, () => {
    let t: SuiteStore;
    beforeEach(async () => {
      t = await open();
    });
    afterEach(() => t.cleanup());

    it('overwrites the text of a partial reply, and only of one the user owns that is still partial', async () => {
      const { store } = t;
      const session = await store.sessions.create('u');
      await store.messages.append('u', session.id, { role: 'user', content: 'Tell me a story' });
      const reply = await store.messages.append('u', session.id, { role: 'assistant', content: '', status: 'partial' });
      expect(await store.messages.writePartial('u', reply!.id, 'Once upon')).toBe(true);
      expect(await store.messages.writePartial('u', reply!.id, 'Once upon a time')).toBe(true);
      expect(await store.messages.get('u', reply!.id)).toMatchObject({
        content: 'Once upon a time',
        status: 'partial',
      });
      // The flushed text is searchable like any other.
      expect((await store.search('u', 'upon')).items.map((h) => h.message_id)).toEqual([reply!.id]);

      expect(await store.messages.writePartial('intruder', reply!.id, 'hijacked')).toBe(false);
      expect(await store.messages.writePartial('u', 'no-such-message', 'x')).toBe(false);
      await store.messages.update('u', reply!.id, { content: 'Once upon a time, the end.', status: 'complete' });
      // A late flush after the final store must not take text back.
      expect(await store.messages.writePartial('u', reply!.id, 'Once upon')).toBe(false);
      expect((await store.messages.get('u', reply!.id))?.content).toBe('Once upon a time, the end.');
    });

    it('appends to a partial reply (same stored text as overwriting), only one the user owns that is still partial', async () => {
      const { store } = t;
      const session = await store.sessions.create('u');
      await store.messages.append('u', session.id, { role: 'user', content: 'Tell me a story' });
      const reply = await store.messages.append('u', session.id, { role: 'assistant', content: '', status: 'partial' });
      const pieces = ['Once', ' upon', ' a tíme', ' 🐉', ''];
      for (const piece of pieces) expect(await store.messages.appendPartial('u', reply!.id, piece)).toBe(true);
      expect(await store.messages.get('u', reply!.id)).toMatchObject({ content: pieces.join(''), status: 'partial' });
      expect((await store.search('u', 'upon')).items.map((h) => h.message_id)).toEqual([reply!.id]);

      expect(await store.messages.appendPartial('intruder', reply!.id, ' hijacked')).toBe(false);
      expect(await store.messages.appendPartial('u', 'no-such-message', 'x')).toBe(false);
      await store.messages.update('u', reply!.id, { content: 'Once upon a time, the end.', status: 'complete' });
      expect(await store.messages.appendPartial('u', reply!.id, ' more')).toBe(false);
      expect((await store.messages.get('u', reply!.id))?.content).toBe('Once upon a time, the end.');
    });
  });
}
