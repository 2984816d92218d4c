/** Test helper: a real store in a fresh temp folder, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChatStore, type ChatStoreOptions, type SqliteChatStore } from '../src/index.js';

export interface TempStore {
  store: SqliteChatStore;
  dir: string;
  path: string;
  cleanup(): Promise<void>;
}

export function makeTempDir(prefix = 'chat-store-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openTempStore(options: Omit<ChatStoreOptions, 'path' | 'url'> = {}): Promise<TempStore> {
  const { dir, remove } = makeTempDir();
  const path = join(dir, 'chat_history.db');
  const store = await openChatStore({ ...options, path });
  if (store.backend !== 'sqlite') throw new Error(`expected a SQLite store, got ${store.backend}`);
  return {
    store,
    dir,
    path,
    async cleanup() {
      await store.close();
      remove();
    },
  };
}
