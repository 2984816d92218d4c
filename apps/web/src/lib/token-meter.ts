/** The composer's token meter: what the attachments take of the active model's context, and what is left. */
import { plural } from './plural.js';

/** What the meter reads of an attachment. */
export interface MeteredFile {
  name: string;
  /** null while the server counts. */
  tokens: number | null;
  /** The server retrieves parts of it per question instead of placing it whole. */
  chunked: boolean;
}

/** What the meter shows. */
export interface TokenMeter {
  /** Tokens of the files placed whole. */
  tokens: number;
  /** Context tokens left after them; null when the context size is not known. */
  left: number | null;
  contextSize: number | null;
  /** The whole files take more than the context. */
  over: boolean;
  /** Files still being counted. */
  counting: number;
  /** Files retrieved in parts, rather than placed whole. */
  partial: string[];
  /** The line shown, e.g. "Attachments: 1,200 tokens · 2,896 of 4,096 left". */
  summary: string;
  /** The warning for files retrieved in parts; null when none. */
  warning: string | null;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function partialWarning(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const list = names.map((n) => `“${n}”`).join(', ');
  const verb = names.length === 1 ? 'is' : 'are';
  return `${list} ${verb} too large to place whole: the parts most relevant to each question are retrieved instead.`;
}

/**
 * The meter for `files` in a context of `contextSize` tokens (null when unknown). A file the server has not
 * marked as chunked but that would not fit in what is left is warned about too: it will not go in whole.
 *
 * @example
 * tokenMeter([{ name: 'a.md', tokens: 1200, chunked: false }], 4096).summary
 * // 'Attachments: 1,200 tokens · 2,896 of 4,096 left'
 */
export function tokenMeter(files: readonly MeteredFile[], contextSize: number | null): TokenMeter {
  let tokens = 0;
  let counting = 0;
  const partial: string[] = [];
  for (const f of files) {
    if (f.chunked) partial.push(f.name);
    else if (f.tokens === null) counting++;
    else if (contextSize !== null && tokens + f.tokens > contextSize) partial.push(f.name);
    else tokens += f.tokens;
  }
  const left = contextSize === null ? null : contextSize - tokens;
  const parts = [`Attachments: ${plural(tokens, 'token')}`];
  if (left !== null && contextSize !== null) parts.push(`${fmt(left)} of ${fmt(contextSize)} left`);
  else parts.push('context size not known');
  if (counting > 0) parts.push(`counting ${plural(counting, 'file')}…`);
  return {
    tokens,
    left,
    contextSize,
    over: left !== null && left < 0,
    counting,
    partial,
    summary: parts.join(' · '),
    warning: partialWarning(partial),
  };
}
