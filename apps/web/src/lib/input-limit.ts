/** When to show the composer's character counter, and what it says. */
import { plural } from './plural.js';

/** The counter appears from this share of the limit on, so it is there before the limit bites. */
export const COUNTER_FROM = 0.8;

/** What the composer shows about the length of its text. */
export interface InputLimitState {
  /** Show the counter. */
  show: boolean;
  /** The text is over the limit: sending is refused. */
  over: boolean;
  /** Counter text, e.g. "81,000 / 100,000". */
  counter: string;
  /** A sentence for people when over, else `null`. */
  message: string | null;
}

/**
 * The counter for `length` characters against `max`.
 *
 * @example
 * inputLimit(150_000, 100_000).message // 'The message is 50,000 characters over the limit of 100,000. Shorten it to send.'
 */
export function inputLimit(length: number, max: number): InputLimitState {
  const over = length > max;
  const fmt = (n: number) => n.toLocaleString('en-US');
  return {
    show: length >= max * COUNTER_FROM,
    over,
    counter: `${fmt(length)} / ${fmt(max)}`,
    message: over
      ? `The message is ${plural(length - max, 'character')} over the limit of ${fmt(max)}. Shorten it to send.`
      : null,
  };
}
