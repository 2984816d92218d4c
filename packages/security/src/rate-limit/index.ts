/** Rate texts like `5/minute`. */
export { parseRate, type Rate } from './parse-rate.js';
