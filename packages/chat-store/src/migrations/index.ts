export { migrations, STORE_MIGRATIONS, migrateToLatest, pendingMigrations } from './migrate.js';
