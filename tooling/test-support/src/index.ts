/** @chat-studio/test-support: helpers shared by Chat Studio's tests (dependency-free; real processes, no mocks). */
export { REPO_ROOT } from './repo-root.js';
export { freePort } from './free-port.js';
export { tempDir, type TempDir } from './temp-dir.js';
export { testModelsDir } from './test-models-dir.js';
export { waitFor, WaitTimeoutError } from './wait-for.js';
export {
  API_SERVER_ENTRY,
  ApiServerStartError,
  startApiServer,
  type ApiServer,
  type StartApiServerOptions,
} from './api-server.js';
export {
  ModelNotReadyError,
  waitForModelReady,
  type ModelStatus,
  type WaitForModelReadyOptions,
} from './model-ready.js';
export {
  adminQuery,
  createScratchDatabase,
  databaseUrl,
  PostgresTestServerError,
  postgresTestUrl,
  postgresUnavailable,
  type ScratchDatabase,
  type ScratchDatabaseOptions,
} from './postgres-test-server.js';
export { startPostgresCluster, postgresBinDir, type PostgresCluster } from './postgres-cluster.js';
