export { sanitize, escapeHtml } from './sanitize.js';
