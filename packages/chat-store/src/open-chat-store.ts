/** Opens the chat store on SQLite or PostgreSQL, chosen by the options. */
import type { ChatStore } from './chat-store.js';
import type { ChatStoreOptions } from './contract/chat-store.js';
import { ChatStoreError } from './errors/index.js';
import { isPostgresUrl, openPostgresStore, redactUrl } from './postgres/index.js';
import { openSqliteStore } from './sqlite/store/index.js';

/** The PostgreSQL URL to use, if any: `url` (the store reads no environment; apps pass DATABASE_URL here). */
function chooseUrl(options: ChatStoreOptions): string | undefined {
  const url = options.url?.trim() || undefined;
  if (url !== undefined && !isPostgresUrl(url)) {
    throw new ChatStoreError(
      `Unsupported database URL ${redactUrl(url)}: use postgres://…, or DATABASE_PATH for SQLite`,
    );
  }
  return url;
}

/**
 * Opens the chat store. With a `postgres://` URL (`url`, or DATABASE_URL) it runs on PostgreSQL; otherwise on the
 * SQLite file at `path` (DATABASE_PATH): applies the pragmas (WAL, foreign keys, busy timeout, synchronous=NORMAL) and runs
 * pending migrations.
 *
 * @example
 * const store = await openChatStore({ path: 'data/chat_history.db' });
 * const session = await store.sessions.create('local', { title: 'Ideas' });
 * await store.messages.append('local', session.id, { role: 'user', content: 'Hello there' });
 * const { items } = await store.search('local', 'hello');
 * await store.close();
 *
 * const shared = await openChatStore({ url: 'postgres://chat:secret@db.internal:5432/chat' });
 */
export async function openChatStore(options: ChatStoreOptions = {}): Promise<ChatStore> {
  const url = chooseUrl(options);
  if (url !== undefined) {
    return openPostgresStore({
      url,
      poolSize: options.poolSize,
      searchWindow: options.searchWindow,
      readonly: options.readonly,
      warmSearch: options.warmSearch,
    });
  }
  return openSqliteStore(options);
}
