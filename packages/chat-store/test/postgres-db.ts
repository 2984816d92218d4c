/** Test helper: chat stores on fresh PostgreSQL databases of the server at DATABASE_URL_TEST (see .ci/services). */
import { createScratchDatabase, type ScratchDatabase } from '@chat-studio/test-support';
import { openChatStore, type ChatStoreOptions, type PostgresChatStore } from '../src/index.js';

export interface TempPostgresStore {
  store: PostgresChatStore;
  db: ScratchDatabase;
  cleanup(): Promise<void>;
}

/** A store on a fresh database; cleanup closes it and drops the database. */
export async function openTempPostgresStore(
  options: Omit<ChatStoreOptions, 'url' | 'path'> = {},
): Promise<TempPostgresStore> {
  const db = await createScratchDatabase({ prefix: 'chat_store_test' });
  const store = await openChatStore({ ...options, url: db.url });
  if (store.backend !== 'postgres') throw new Error(`expected a PostgreSQL store, got ${store.backend}`);
  return {
    store,
    db,
    async cleanup() {
      await store.close();
      await db.drop();
    },
  };
}
