import { expect, vi } from 'vitest';
import { openTempStore } from '../../../test/temp-store.js';
import { describeVectorSuite } from '../../../test/vectors-suite.js';
import { openChatStore, type ChatStore, type ChatStoreOptions } from '../../index.js';

// Loading a user's copy and the exact reference scans take seconds on a busy 2-core CI machine.
vi.setConfig({ testTimeout: 60_000 });

function sqliteSuite(name: string, options: ChatStoreOptions, indexed: boolean) {
  describeVectorSuite(name, async () => {
    const t = await openTempStore(options);
    let current: ChatStore = t.store;
    return {
      store: t.store,
      async reopen() {
        await current.close();
        current = await openChatStore({ ...options, path: t.path });
        return current;
      },
      async cleanup() {
        await current.close();
        await t.cleanup();
      },
      // The first search starts loading the user's copy (vec0 answers it); the suite's search then goes through it.
      warm: indexed
        ? async (store, userId, vector) => {
            if (store.backend !== 'sqlite' || !store.vectorIndex) throw new Error('no vector index');
            const index = store.vectorIndex;
            await store.vectors.search(userId, vector);
            await vi.waitFor(() => expect(index.state(userId)).toBe('ready'), { timeout: 20_000, interval: 20 });
          }
        : undefined,
    };
  });
}

sqliteSuite('sqlite (vec0 exact)', { vectorIndexBytes: 0 }, false);
sqliteSuite('sqlite (vector index)', {}, true);
