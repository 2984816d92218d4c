/** Turns any user text into a safe FTS5 MATCH expression: words only, never FTS5 syntax. */

// Letters, digits and combining marks, like FTS5's unicode61 token characters; everything else separates.
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/** At most this many words are used; more add cost without narrowing a chat search meaningfully. */
export const MAX_QUERY_TOKENS = 32;

/**
 * Shortest last word that is also matched as a prefix (`"garl"*` finds "garlic"). Shorter prefixes ("the"*) expand to
 * hundreds of terms whose posting lists must all be merged, which costs more than the whole rest of a search.
 */
export const MIN_PREFIX_LENGTH = 4;

/** The words of a query, as FTS5's unicode61 tokenizer would see them. */
export function tokenizeQuery(query: string): string[] {
  return (query.normalize('NFC').match(TOKEN) ?? []).slice(0, MAX_QUERY_TOKENS);
}

function quote(token: string): string {
  return `"${token.replaceAll('"', '""')}"`;
}

/**
 * The words of the index that start with `prefix` (the query's last word as typed), or `undefined` to let FTS5
 * expand the prefix itself (`"prefix"*`).
 */
export type PrefixExpansion = (prefix: string) => readonly string[] | undefined;

/**
 * Builds the MATCH expression: every word quoted as an FTS5 string and joined with spaces (implicit AND);
 * the last word also matches as a prefix so results appear while the user is still typing. With `expand`, the
 * prefix becomes an OR of the words it stands for, which FTS5 reads lazily instead of merging them all first.
 * `omit` leaves out whole words that the caller checks in the matched rows itself, and `omitPrefix` the last word
 * when it is a prefix (the caller checks token starts). Returns `undefined` when no word is left (then there is
 * nothing to search).
 *
 * @example
 * buildMatchExpression('NEAR(foo "bar" -bazooka') // '"NEAR" "foo" "bar" "bazooka"*'
 * buildMatchExpression('garlic recip', () => ['recipe', 'recipes']) // '"garlic" AND ("recipe" OR "recipes")'
 */
export function buildMatchExpression(
  query: string,
  expand?: PrefixExpansion,
  omit?: (token: string) => boolean,
  omitPrefix = false,
): string | undefined {
  const tokens = tokenizeQuery(query);
  const words = tokens.flatMap((t, i) => {
    if (i === tokens.length - 1 && [...t].length >= MIN_PREFIX_LENGTH)
      return omitPrefix ? [] : [prefixMatch(t, expand)];
    return omit?.(t) ? [] : [quote(t)];
  });
  if (words.length === 0) return undefined;
  const last = words.pop()!;
  // FTS5's implicit AND joins phrases only: a parenthesized OR needs an explicit one.
  if (words.length === 0) return last;
  return `${words.join(' ')}${last.startsWith('(') ? ' AND ' : ' '}${last}`;
}

/**
 * The MATCH expression of the last word as a prefix: the OR of the index words it stands for (see `expand`), or
 * FTS5's own `"prefix"*` when there is no expansion.
 */
export function prefixMatch(token: string, expand: PrefixExpansion | undefined): string {
  const words = expand?.(token);
  if (words === undefined) return `${quote(token)}*`;
  // No word starts with it, so the word itself is not there either: a term that matches nothing.
  if (words.length === 0) return quote(token);
  return words.length === 1 ? quote(words[0]!) : `(${words.map(quote).join(' OR ')})`;
}
