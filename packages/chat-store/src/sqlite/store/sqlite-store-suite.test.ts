import { join } from 'node:path';
import { describeStoreSuite } from '../../../test/store-suite.js';
import { makeTempDir, openTempStore } from '../../../test/temp-store.js';
import { openChatStore } from '../../index.js';

describeStoreSuite('sqlite', {
  open: (options) => openTempStore(options),
  async backupAndOpenCopy(store) {
    const { dir, remove } = makeTempDir();
    const target = join(dir, 'backups', 'copy.db');
    await store.maintenance.backup(target);
    const copy = await openChatStore({ path: target });
    return {
      store: copy,
      async cleanup() {
        await copy.close();
        remove();
      },
    };
  },
});
