/** SQLite migrations, frozen and named by timestamp. */
export { migrations, STORE_MIGRATIONS, migrateToLatest, pendingMigrations } from './migrate.js';
