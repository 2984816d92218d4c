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
    it('keeps a reply being generated out of search until its final store, aborted or complete', async () => {
      const { store } = t;
      const session = await store.sessions.create('u');
      await store.messages.append('u', session.id, { role: 'user', content: 'Tell me a story' });
      const hits = async (q: string) => (await store.search('u', q)).items.map((h) => h.message_id);
      const start = () =>
        store.messages.append('u', session.id, { role: 'assistant', content: '', status: 'partial', streaming: true });

      const done = await start();
      for (const piece of ['Once', ' upon', ' a walrus']) await store.messages.appendPartial('u', done!.id, piece);
      expect(await store.messages.writePartial('u', done!.id, 'Once upon a walrus')).toBe(true);
      // Stored (a crash loses nothing), but not indexed while it grows: the flushes re-index nothing.
      expect((await store.messages.get('u', done!.id))?.content).toBe('Once upon a walrus');
      expect(await hits('walrus')).toEqual([]);
      expect(await store.maintenance.checkSearchIndex({ full: true })).toEqual({ ok: true, problems: [] });
      await store.messages.update('u', done!.id, { content: 'Once upon a walrus, the end.', status: 'complete' });
      expect(await hits('walrus')).toEqual([done!.id]);

      // Stopped by the user: stays 'partial' with finish_reason 'abort', and is found once stored final.
      const stopped = await start();
      await store.messages.appendPartial('u', stopped!.id, 'A narwhal');
      expect(await hits('narwhal')).toEqual([]);
      await store.messages.update('u', stopped!.id, {
        content: 'A narwhal',
        status: 'partial',
        finish_reason: 'abort',
      });
      expect(await hits('narwhal')).toEqual([stopped!.id]);

      // The server died mid-stream: the next start marks it interrupted, and it is found from then on.
      const orphan = await start();
      await store.processes.register({ id: 'gone', instance: 'test', host: 'h', pid: 1, port: 1, pid_file: null });
      await store.processes.claimReply(orphan!.id, 'gone');
      await store.messages.appendPartial('u', orphan!.id, 'An octopus');
      // A rebuild of the index in the middle of a stream leaves the reply out too (its final store adds it once).
      await store.maintenance.rebuildSearchIndex();
      expect(await hits('octopus')).toEqual([]);
      expect(await store.processes.interruptOrphans([])).toEqual([orphan!.id]);
      expect(await hits('octopus')).toEqual([orphan!.id]);
      expect(await hits('walrus')).toEqual([done!.id]);

      // Deleting a reply still being generated leaves no stray index entry.
      const dropped = await start();
      await store.messages.appendPartial('u', dropped!.id, 'A lobster');
      expect(await store.messages.delete('u', dropped!.id)).toBe(true);
      expect(await hits('lobster')).toEqual([]);
      expect(await store.maintenance.checkSearchIndex({ full: true })).toEqual({ ok: true, problems: [] });
    });
  });
}
