/**
 * Requests for search with a mode and the meaning-search setting (`/api/chat/search`, `/api/chat/search/settings`),
 * through the app's fetch. Errors are {@link ChatApiError}s carrying the server's sentence.
 */
import { ChatApiError, isErrorEnvelope, type Page, type SearchHit, type SearchMode } from '@chat-studio/protocol';
import { appFetch } from './api.js';
import type { SearchSettings } from './search-modes.js';

async function call<T>(method: 'GET' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const res = await appFetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    if (isErrorEnvelope(parsed))
      throw new ChatApiError(res.status, parsed.error.code, parsed.error.message, parsed.error.details);
    throw new ChatApiError(res.status, 'internal_error', `The server answered HTTP ${res.status}.`);
  }
  return parsed as T;
}

/** Options of {@link searchMessages}. */
export interface SearchRequest {
  /** Unset: the server's default (fused for a user who turned meaning search on, falling back to words). */
  mode?: SearchMode;
  limit?: number;
  /** Word search only: the next page. */
  cursor?: string;
}

/**
 * `GET /api/chat/search?q=&mode=`: the caller's messages matching `q` (meaning and fused: one page).
 *
 * @example
 * const page = await searchMessages('flaky login test', { mode: 'meaning', limit: 30 });
 */
export function searchMessages(q: string, { mode, limit, cursor }: SearchRequest): Promise<Page<SearchHit>> {
  const params = new URLSearchParams({ q });
  if (mode !== undefined) params.set('mode', mode);
  if (limit !== undefined) params.set('limit', String(limit));
  if (cursor !== undefined && (mode ?? 'words') === 'words') params.set('cursor', cursor);
  return call('GET', `/api/chat/search?${params.toString()}`);
}

/** `GET /api/chat/search/settings`: whether meaning search is on, and how far the caller's messages are embedded. */
export const fetchSearchSettings = () => call<SearchSettings>('GET', '/api/chat/search/settings');

/** `PATCH /api/chat/search/settings`: turns search by meaning on or off (off deletes the caller's vectors). */
export const patchSearchSettings = (meaningSearch: boolean) =>
  call<SearchSettings>('PATCH', '/api/chat/search/settings', { meaning_search: meaningSearch });
