export { formatBytes, formatTable, fileTimestamp } from './format.js';
