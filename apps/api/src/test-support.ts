/** Helper shared by the API's tests: a real SQLite store in a temp folder (the rest lives in @chat-studio/test-support). */
import path from 'node:path';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { tempDir } from '@chat-studio/test-support';
import { loadConfig, type AppConfig } from './config/index.js';

/** A real SQLite store in a temp folder plus a config pointing at it. */
export async function openTestStore(overrides: NodeJS.ProcessEnv = {}): Promise<{
  store: ChatStore;
  config: AppConfig;
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const { dir, cleanup } = tempDir();
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'chat_history.db'),
    WEB_DIST: path.join(dir, 'no-web'),
    ...overrides,
  });
  const store = await openChatStore({ path: config.databasePath });
  return {
    store,
    config,
    dir,
    cleanup: async () => {
      await store.close();
      cleanup();
    },
  };
}
