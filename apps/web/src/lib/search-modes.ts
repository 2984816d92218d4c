/**
 * Search by meaning in the web app, as pure functions: which mode a search is sent with, what the settings
 * response means (progress in words, or why nothing is embedded), and reading a remembered mode back.
 */
import type { SearchMode } from '@chat-studio/protocol';
import { plural } from './plural.js';

/** The search box's choices, in the order the control shows them (`fused` is labelled "Both"). */
export const SEARCH_MODE_CHOICES: readonly { mode: SearchMode; label: string; hint: string }[] = [
  { mode: 'words', label: 'Words', hint: 'messages that contain the words' },
  { mode: 'meaning', label: 'Meaning', hint: 'messages about the same thing, in any words' },
  { mode: 'fused', label: 'Both', hint: 'words and meaning together, best of both first' },
];

/** The choice for someone who never picked one: both, as the server's default for an opted-in user. */
export const DEFAULT_SEARCH_MODE: SearchMode = 'fused';

/** `GET|PATCH /api/chat/search/settings`: the opt-in and the caller's embedding progress. */
export interface SearchSettings {
  meaning_search: boolean;
  embedding: { model: string | null; dims: number | null; embedded: number; total: number };
}

/** The server's background embedding as `/health` reports it (`meaning_search`): its state and why. */
export interface EmbeddingWork {
  state: 'off' | 'idle' | 'embedding' | 'error';
  reason: string | null;
}

/**
 * The mode a search is sent with: the chosen one while meaning search is on, else words (the server refuses
 * `meaning` and `fused` to a user who did not turn it on).
 *
 * @example
 * effectiveSearchMode('meaning', false) // 'words'
 */
export function effectiveSearchMode(chosen: SearchMode, meaningOn: boolean): SearchMode {
  return meaningOn ? chosen : 'words';
}

/** Only word search pages by cursor; meaning and fused answer one page. */
export function pagesByCursor(mode: SearchMode): boolean {
  return mode === 'words';
}

/** A remembered mode read back (from localStorage); anything else is null. */
export function parseSearchMode(raw: unknown): SearchMode | null {
  return SEARCH_MODE_CHOICES.some((c) => c.mode === raw) ? (raw as SearchMode) : null;
}

/** Where a user's mode is remembered: one key per user, so people sharing a browser keep their own. */
export function searchModeKey(userId: string | null): string {
  return `search-mode:${userId ?? 'local'}`;
}

/** What the settings panel says about the embedding: the sentence, a fraction for the bar, and whether it is an error. */
export interface EmbeddingProgressView {
  text: string;
  /** 0..1 while messages are being embedded; null when there is no bar to show. */
  fraction: number | null;
  error: boolean;
}

/**
 * The embedding progress in words. `work` is the server's background state (null when unknown): `off` and
 * `error` carry the server's sentence on why no message (nor a query) can be embedded now.
 *
 * @example
 * embeddingProgressView({ meaning_search: true, embedding: { model: 'm', dims: 64, embedded: 3, total: 10 } }, null)
 * // { text: 'Embedding your messages: 3 of 10 done.', fraction: 0.3, error: false }
 */
export function embeddingProgressView(settings: SearchSettings, work: EmbeddingWork | null): EmbeddingProgressView {
  if (!settings.meaning_search)
    return { text: 'Off: search finds messages by their words only.', fraction: null, error: false };
  const { embedded, total } = settings.embedding;
  const done = embedded >= total;
  if (work && (work.state === 'off' || work.state === 'error')) {
    // Without a model that embeds, a meaning search cannot embed its query either: say so even when all is embedded.
    const why = work.reason ?? 'No model can embed messages now.';
    const then = done
      ? 'Search by meaning works again once one can.'
      : `${plural(total - embedded, 'message')} ${total - embedded === 1 ? 'waits' : 'wait'} to be embedded.`;
    return { text: `${why} ${then}`, fraction: null, error: true };
  }
  if (done) {
    const what = total === 0 ? 'new messages are embedded as they are written' : `${plural(total, 'message')} embedded`;
    return { text: `Ready: ${what}.`, fraction: null, error: false };
  }
  return {
    text: `Embedding your messages: ${embedded.toLocaleString('en-US')} of ${plural(total, 'message')} done.`,
    fraction: total > 0 ? embedded / total : 0,
    error: false,
  };
}

/**
 * The search box's note while meaning search does not cover the whole history yet; null once it does (or off).
 *
 * @example
 * meaningCoverageNote({ meaning_search: true, embedding: { model: 'm', dims: 64, embedded: 64, total: 100 } })
 * // 'Meaning covers 64 of 100 messages so far.'
 */
export function meaningCoverageNote(settings: SearchSettings): string | null {
  const { embedded, total } = settings.embedding;
  if (!settings.meaning_search || embedded >= total) return null;
  return `Meaning covers ${embedded.toLocaleString('en-US')} of ${plural(total, 'message')} so far.`;
}
