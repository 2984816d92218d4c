import { createScratchDatabase, postgresUnavailable } from '@chat-studio/test-support';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe } from 'vitest';
import { openTempPostgresStore } from '../../test/postgres-db.js';
import { describeTreeSuite, type PreviousChatDatabase } from '../../test/tree-suite.js';
import { openChatStore, postgresMigrations } from '../index.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres', () => {
  describeTreeSuite('postgres', {
    open: () => openTempPostgresStore(),
    async openPrevious() {
      const scratch = await createScratchDatabase({ prefix: 'chat_store_tree' });
      const db = new Kysely<PreviousChatDatabase>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scratch.url, max: 2 }) }),
      });
      // The schema of the release before the message tree: every migration up to it.
      const previous = Object.fromEntries(
        Object.entries(postgresMigrations).filter(([name]) => name < '2026_12_10_130000'),
      );
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => previous } }).migrateToLatest();
      if (error) throw error;
      let destroyed = false;
      const destroy = async () => {
        if (!destroyed) await db.destroy();
        destroyed = true;
      };
      return {
        db,
        async openStore() {
          await destroy();
          const store = await openChatStore({ url: scratch.url });
          return { store, cleanup: () => store.close() };
        },
        async remove() {
          await destroy();
          await scratch.drop();
        },
      };
    },
  });
});
