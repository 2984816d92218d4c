/** SQLite connections: pragmas, cached statements, synchronous queries. */
export { openDatabase, resolveDatabasePath, type OpenDatabaseOptions } from './open-database.js';
export { StatementCache } from './statement-cache.js';
export { SqlRunner } from './sql-runner.js';
