/** Turns any user text into a safe `to_tsquery` input: quoted words only, never tsquery syntax. */
import { MIN_PREFIX_LENGTH, tokenizeQuery } from '../search/index.js';

/**
 * Builds the text for `to_tsquery(config, text)`: every word quoted as a lexeme and joined with `&`; the last word
 * also matches as a prefix (`:*`) when it has at least `MIN_PREFIX_LENGTH` characters, as on SQLite.
 * The words hold only letters, digits and marks, so no quote, backslash or operator can reach the parser.
 * Returns `undefined` when the query has no words.
 *
 * @example
 * buildTsQuery('NEAR(foo "bar" -bazooka') // "'NEAR' & 'foo' & 'bar' & 'bazooka':*"
 */
export function buildTsQuery(query: string): string | undefined {
  const tokens = tokenizeQuery(query);
  if (tokens.length === 0) return undefined;
  return tokens
    .map((t, i) => (i === tokens.length - 1 && [...t].length >= MIN_PREFIX_LENGTH ? `'${t}':*` : `'${t}'`))
    .join(' & ');
}
