export { buildMatchExpression, tokenizeQuery, MAX_QUERY_TOKENS, MIN_PREFIX_LENGTH } from './fts-query.js';
export { parseSnippet, HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, type PlainSnippet } from './snippet.js';
