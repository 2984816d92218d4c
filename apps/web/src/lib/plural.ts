/** Counts in words: "1 result", "2 results", "1,234 new messages". */

/**
 * `count` and the noun, plural when `count` is not 1; `pluralForm` for irregular nouns.
 *
 * @example
 * plural(1, 'result') // '1 result'
 * plural(1200, 'match', 'matches') // '1,200 matches'
 */
export function plural(count: number, noun: string, pluralForm = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralForm}`;
}
