/** One archive for bug reports, with every secret removed. */
export { collectLogs, type CollectLogsOptions, type CollectLogsResult } from './collect-logs.js';
export { tailFile, listLogFiles, gatherVersions, gatherGpu, gatherSystem, gatherDatabase } from './gather.js';
