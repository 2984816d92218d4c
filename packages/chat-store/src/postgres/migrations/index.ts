/** PostgreSQL migrations, frozen and named by timestamp. */
export { postgresMigrations, POSTGRES_MIGRATIONS, migratePostgres, pendingPostgresMigrations } from './migrate.js';
export { SEARCH_CONFIG } from './2026_12_10_120000_create_tables.js';
