/** Making untrusted text inert for the places the server writes HTML. */
export { sanitize, escapeHtml } from './sanitize.js';
