export { openReadonlyStore, openWritableStore, readSchema, hasChatTables, removeIdleSidecars, DatabaseOpenError, type SchemaEntry } from './database.js';
