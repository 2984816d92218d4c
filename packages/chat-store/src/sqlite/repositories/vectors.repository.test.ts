import { openTempStore } from '../../../test/temp-store.js';
import { describeVectorSuite } from '../../../test/vectors-suite.js';
import { openChatStore, type ChatStore } from '../../index.js';

describeVectorSuite('sqlite', async () => {
  const t = await openTempStore();
  let current: ChatStore = t.store;
  return {
    store: t.store,
    async reopen() {
      await current.close();
      current = await openChatStore({ path: t.path });
      return current;
    },
    async cleanup() {
      await current.close();
      await t.cleanup();
    },
  };
});
