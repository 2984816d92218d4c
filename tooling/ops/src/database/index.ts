/** Opening the database the server uses, read-only or writable. */
export {
  openReadonlyStore,
  openWritableStore,
  readSchema,
  hasChatTables,
  removeIdleSidecars,
  DatabaseOpenError,
  type SchemaEntry,
} from './database.js';
