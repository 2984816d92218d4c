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

/**
 * Share of the context that attached files may take whole, as the server plans a turn (apps/api attachments'
 * `FILE_SHARE`: half of what the conversation leaves; the rest is the reply's). A file past it goes in by parts.
 */
export const FILE_SHARE = 0.5;

function partialWarning(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const list = names.map((n) => `“${n}”`).join(', ');
  const verb = names.length === 1 ? 'is' : 'are';
  return `${list} ${verb} too large to place whole: the parts most relevant to each question are retrieved instead.`;
}

/**
 * The meter for `files` in a context of `contextSize` tokens (null when unknown). A file the server has not
 * marked as chunked but that would take the files past `share` of the context is warned about too: the server
 * will not place it whole (and with a long conversation, the share is smaller still).
 *
 * @example
 * tokenMeter([{ name: 'a.md', tokens: 1200, chunked: false }], 4096).summary
 * // 'Attachments: 1,200 tokens · 2,896 of 4,096 left'
 */
export function tokenMeter(files: readonly MeteredFile[], contextSize: number | null, share = FILE_SHARE): TokenMeter {
  const budget = contextSize === null ? null : Math.floor(contextSize * share);
  let tokens = 0;
  let counting = 0;
  const partial: string[] = [];
  for (const f of files) {
    if (f.chunked) partial.push(f.name);
    else if (f.tokens === null) counting++;
    else if (budget !== null && tokens + f.tokens > budget) partial.push(f.name);
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
