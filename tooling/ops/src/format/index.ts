/** Tables and sizes for the commands' output. */
export { formatBytes, formatTable, fileTimestamp } from './format.js';
