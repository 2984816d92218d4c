import { postgresUnavailable } from '@chat-studio/test-support';
import { describe } from 'vitest';
import { openTempPostgresStore } from '../../../test/postgres-db.js';
import { describeVectorSuite } from '../../../test/vectors-suite.js';
import { openChatStore, type ChatStore } from '../../index.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres', () => {
  describeVectorSuite('postgres', async () => {
    const t = await openTempPostgresStore();
    let current: ChatStore = t.store;
    return {
      store: t.store,
      async reopen() {
        await current.close();
        current = await openChatStore({ url: t.db.url });
        return current;
      },
      async cleanup() {
        await current.close();
        await t.cleanup();
      },
    };
  });
});
