import { afterEach, describe, expect, it } from 'vitest';
import { postgresUnavailable } from '@chat-studio/test-support';
import { openTempPostgresStore } from '../../../test/postgres-db.js';
import { openTempStore } from '../../../test/temp-store.js';
import type { ChatStore } from '../../index.js';

const backends: [string, () => Promise<{ store: ChatStore; cleanup(): Promise<void> }>, boolean][] = [
  ['sqlite', () => openTempStore(), true],
  ['postgres', () => openTempPostgresStore(), postgresUnavailable() === undefined],
];

const proc = (id: string, pid: number) => ({
  id,
  instance: `i-${id}`,
  host: 'h1',
  pid,
  port: 5000 + pid,
  pid_file: null,
});

for (const [name, open, enabled] of backends) {
  describe.skipIf(!enabled)(`${name}: roles, service keys, processes`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });
    const fresh = async () => {
      const t = await open();
      cleanups.push(() => t.cleanup());
      return t.store;
    };

    it('stores roles (local user admin, others user by default) and service keys', async () => {
      const store = await fresh();
      const local = await store.users.ensure('00000000000000000000000000', 'local');
      expect(local.role).toBe('admin');
      const alice = await store.users.create({ username: 'alice', password_hash: 'x' });
      expect(alice.role).toBe('user');
      expect(await store.users.setRole(alice.id, 'admin')).toBe(true);
      expect((await store.users.getById(alice.id))?.role).toBe('admin');
      const key = await store.apiKeys.create({
        user_id: alice.id,
        name: 'front',
        prefix: 'cs_x',
        key_hash: 'h',
        service: true,
      });
      expect(key.service).toBe(1);
      expect((await store.apiKeys.getByHash('h'))?.service).toBe(1);
      const plain = await store.apiKeys.create({ user_id: alice.id, name: 'laptop', prefix: 'cs_y', key_hash: 'h2' });
      expect(plain.service).toBe(0);
    });

    it('marks interrupted only the partial replies whose process is gone, keeping their text', async () => {
      const store = await fresh();
      const session = await store.sessions.create('u1', { title: 't' });
      const dead = await store.messages.append('u1', session.id, {
        role: 'assistant',
        content: 'half a rep',
        status: 'partial',
      });
      const live = await store.messages.append('u1', session.id, {
        role: 'assistant',
        content: 'still going',
        status: 'partial',
      });
      const aborted = await store.messages.append('u1', session.id, {
        role: 'assistant',
        content: 'stopped',
        status: 'partial',
      });
      await store.processes.register(proc('dead', 1));
      await store.processes.register(proc('live', 2));
      await store.processes.claimReply(dead!.id, 'dead');
      await store.processes.claimReply(live!.id, 'live');
      // An aborted reply was stored for good and released: it stays `partial`.
      await store.processes.claimReply(aborted!.id, 'dead');
      await store.processes.releaseReply(aborted!.id);

      expect(await store.processes.interruptOrphans(['live'])).toEqual([dead!.id]);
      expect(await store.messages.get('u1', dead!.id)).toMatchObject({ status: 'interrupted', content: 'half a rep' });
      expect((await store.messages.get('u1', live!.id))?.status).toBe('partial');
      expect((await store.messages.get('u1', aborted!.id))?.status).toBe('partial');
      expect((await store.processes.list()).map((p) => p.id)).toEqual(['live']);
      // Nothing left to recover a second time.
      expect(await store.processes.interruptOrphans(['live'])).toEqual([]);

      expect(await store.processes.heartbeat('live')).toBe(true);
      // A process that dies without a word: a later start with no live process recovers its reply.
      expect(await store.processes.interruptOrphans([])).toEqual([live!.id]);
      expect(await store.processes.heartbeat('live')).toBe(false);
      // A clean exit has already stored its replies for good: unregistering drops its claims with it.
      await store.processes.register(proc('clean', 3));
      const last = await store.messages.append('u1', session.id, {
        role: 'assistant',
        content: 'done',
        status: 'partial',
      });
      await store.processes.claimReply(last!.id, 'clean');
      await store.processes.unregister('clean');
      expect(await store.processes.interruptOrphans([])).toEqual([]);
    });

    it('refuses an unknown status and role at the database', async () => {
      const store = await fresh();
      const session = await store.sessions.create('u1', { title: 't' });
      await expect(
        store.messages.append('u1', session.id, { role: 'user', content: 'x', status: 'bogus' as 'complete' }),
      ).rejects.toThrow();
      const bob = await store.users.create({ username: 'bob', password_hash: 'x' });
      await expect(store.users.setRole(bob.id, 'root' as 'admin')).rejects.toThrow();
    });
  });
}
