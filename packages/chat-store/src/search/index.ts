/** Turning any user text into a safe full-text query, and snippets into text plus highlight ranges. */
export {
  buildMatchExpression,
  tokenizeQuery,
  MAX_QUERY_TOKENS,
  MIN_PREFIX_LENGTH,
  prefixMatch,
  type PrefixExpansion,
} from './fts-query.js';
export { parseSnippet, HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, type PlainSnippet } from './snippet.js';
export {
  rankTerms,
  rankTerm,
  postgresTermPatterns,
  rankWindow,
  foldText,
  countTerm,
  termChecker,
  estimateDocFrequency,
  inverseDocFrequency,
  DOC_FREQUENCY_SAMPLE,
  type RankTerm,
  type RankedRow,
  type WindowRow,
  type TermSample,
} from './rank.js';
export { buildSnippet } from './build-snippet.js';
