/** Long reads (search, large pages, exports) off the event loop: worker threads with read-only SQLite connections. */
export { ReadPool, DEFAULT_READ_POOL_SIZE, type ReadPoolOptions } from './read-pool.js';
export { runReadJob, type ReadJob, type ReadJobResult, type ReadParams } from './jobs.js';
export { LARGE_PAGE, pooledMessages, pooledTransfer } from './pooled-pages.js';
export type { PageJob, PageRead, PageReads } from './page-reads.js';
