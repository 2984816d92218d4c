/** Long reads (search, large pages, exports) off the event loop: worker threads with read-only SQLite connections. */
export { ReadPool, DEFAULT_READ_POOL_SIZE, type ReadPoolOptions } from './read-pool.js';
export { runReadJob, type ReadJob, type ReadJobResult, type ReadParams } from './jobs.js';
