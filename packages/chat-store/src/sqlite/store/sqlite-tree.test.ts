import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { makeTempDir, openTempStore } from '../../../test/temp-store.js';
import { describeTreeSuite, type PreviousChatDatabase } from '../../../test/tree-suite.js';
import { migrations, openChatStore } from '../../index.js';

describeTreeSuite('sqlite', {
  open: () => openTempStore(),
  async openPrevious() {
    const { dir, remove } = makeTempDir();
    const path = join(dir, 'chat_history.db');
    const db = new Kysely<PreviousChatDatabase>({ dialect: new SqliteDialect({ database: new Database(path) }) });
    // The schema of the release before the message tree: every migration up to it.
    const previous = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '2026_12_10_130000'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => previous } }).migrateToLatest();
    if (error) throw error;
    return {
      db,
      async openStore() {
        await db.destroy();
        const store = await openChatStore({ path });
        return { store, cleanup: () => store.close() };
      },
      async remove() {
        await db.destroy();
        remove();
      },
    };
  },
});
