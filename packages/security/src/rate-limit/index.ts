export { parseRate, type Rate } from './parse-rate.js';
