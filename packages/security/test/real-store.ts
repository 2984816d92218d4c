/** Test support: a real chat store in a temp file and an auth service on it with cheap scrypt. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { createAuthService, type AuthService, type AuthServiceOptions } from '../src/index.js';

/** Cheap on purpose: these tests exercise flows, not hash strength (passwords tests use the defaults). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface TestAuth {
  store: ChatStore;
  auth: AuthService;
  cleanup(): Promise<void>;
}

export async function openTestAuth(options: Partial<AuthServiceOptions> = {}): Promise<TestAuth> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-security-'));
  const store = await openChatStore({ path: path.join(dir, 'chat.db') });
  const auth = createAuthService({
    users: store.users,
    authSessions: store.authSessions,
    apiKeys: store.apiKeys,
    scryptParams: FAST_SCRYPT,
    ...options,
  });
  return {
    store,
    auth,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
