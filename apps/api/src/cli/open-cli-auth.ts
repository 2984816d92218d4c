/** Opens the store (DATABASE_URL, else DATABASE_PATH) and an auth service on it, for the users/keys commands. */
import path from 'node:path';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { createAuthService, type AuthService } from '@chat-studio/security';
import { REPO_ROOT } from '../config/index.js';

/** DATABASE_PATH resolved like the server does: relative paths from the repository root. */
export function cliDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  const p = env.DATABASE_PATH || 'data/chat_history.db';
  return p === ':memory:' || path.isAbsolute(p) ? p : path.resolve(REPO_ROOT, p);
}

/** Runs `fn` with an auth service on the store, closing the store afterwards. */
export async function withCliAuth<T>(fn: (auth: AuthService, store: ChatStore) => Promise<T>): Promise<T> {
  const store = await openChatStore({ url: process.env.DATABASE_URL?.trim() || undefined, path: cliDatabasePath() });
  try {
    return await fn(createAuthService(store), store);
  } finally {
    await store.close();
  }
}
