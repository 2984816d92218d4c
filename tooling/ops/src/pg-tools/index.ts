/** Finding and running PostgreSQL's client tools. */
export { findPgTool, requirePgTool, PgToolMissingError, type FindPgToolOptions } from './find-pg-tool.js';
export { runPgTool, pgConnection, PgToolError } from './run-pg-tool.js';
