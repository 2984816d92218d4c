import { postgresUnavailable } from '@chat-studio/test-support';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openTempPostgresStore } from '../../test/postgres-db.js';

describe.skipIf(postgresUnavailable() !== undefined)('postgres health checks', () => {
  it('answers ping and probe while every pooled connection is busy', async () => {
    const t = await openTempPostgresStore({ poolSize: 2 });
    try {
      // Both pooled connections held by slow statements, as 50 searches in flight hold them.
      const sleeps = [1, 2].map(() => sql`SELECT pg_sleep(3)`.execute(t.store.db).then(() => 'busy'));
      await new Promise((r) => setTimeout(r, 200));
      const health = Promise.all([t.store.ping(), t.store.maintenance.probe()]).then(() => 'health');
      // Health must not queue behind them: it answers before the first of them ends and frees a connection.
      expect(await Promise.race([health, ...sleeps])).toBe('health');
      expect(await t.store.ping()).toBe(true);
      expect((await t.store.maintenance.probe()).state).toBe('ok');
      await Promise.all(sleeps);
    } finally {
      await t.cleanup();
    }
  });
});
