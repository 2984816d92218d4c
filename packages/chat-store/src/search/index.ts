/** Turning any user text into a safe full-text query, and snippets into text plus highlight ranges. */
export { buildMatchExpression, tokenizeQuery, MAX_QUERY_TOKENS, MIN_PREFIX_LENGTH } from './fts-query.js';
export { parseSnippet, HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, type PlainSnippet } from './snippet.js';
