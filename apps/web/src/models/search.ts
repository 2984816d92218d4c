/**
 * Search across chats by words, meaning or both (the mode from {@link activeSearchMode}): debounced query, hits
 * (word search pages by cursor; meaning and fused answer one page), opening a hit at its message.
 */
import { batch, effect, signal, untracked } from '@preact/signals';
import type { SearchHit, SearchMode } from '@chat-studio/protocol';
import { searchMessages } from '../lib/search-api.js';
import { pagesByCursor } from '../lib/search-modes.js';
import { activeSearchMode, loadSearchSettings } from './meaning-search.js';

/** Wait after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 250;

export const searchQuery = signal('');
export const searchHits = signal<SearchHit[]>([]);
export const searchCursor = signal<string | null>(null);
export const searchLoading = signal(false);
export const searchError = signal<string | null>(null);
/** True once a search for the current query answered (so "No results" is not shown while typing). */
export const searchDone = signal(false);
/** The mode the shown hits were found with. */
export const searchHitsMode = signal<SearchMode>('words');

let timer: ReturnType<typeof setTimeout> | null = null;
let token = 0;

async function run(q: string, cursor: string | null): Promise<void> {
  const mine = ++token;
  const mode = activeSearchMode.value;
  searchLoading.value = true;
  searchError.value = null;
  try {
    // Both is the server's default for an opted-in user, sent without `mode`: while no model can embed (it loads),
    // the server answers with word search instead of refusing an explicit `mode=fused` with 503.
    const sent = mode === 'fused' ? undefined : mode;
    // The search box says how much of the history meaning search covers yet: read the progress again with it.
    if (mode !== 'words') void loadSearchSettings();
    const page = await searchMessages(q, { mode: sent, limit: 30, cursor: cursor ?? undefined });
    if (mine !== token) return;
    batch(() => {
      searchHits.value = cursor ? [...searchHits.value, ...page.items] : page.items;
      searchCursor.value = pagesByCursor(mode) ? page.next_cursor : null;
      searchHitsMode.value = mode;
      searchDone.value = true;
    });
  } catch (e) {
    if (mine === token) searchError.value = e instanceof Error ? e.message : String(e);
  } finally {
    if (mine === token) searchLoading.value = false;
  }
}

/** Sets the query and searches after {@link SEARCH_DEBOUNCE_MS}; an empty query clears the results. */
export function setSearchQuery(q: string): void {
  searchQuery.value = q;
  if (timer) clearTimeout(timer);
  timer = null;
  if (!q.trim()) {
    token++;
    batch(() => {
      searchHits.value = [];
      searchCursor.value = null;
      searchLoading.value = false;
      searchError.value = null;
      searchDone.value = false;
    });
    return;
  }
  searchDone.value = false;
  timer = setTimeout(() => void run(q.trim(), null), SEARCH_DEBOUNCE_MS);
}

/** Loads the next page of hits. */
export function loadMoreHits(): void {
  const q = searchQuery.value.trim();
  // A page of another mode's hits would not continue these (the mode changed since): search again instead.
  if (searchHitsMode.value !== activeSearchMode.value) {
    rerunSearch();
    return;
  }
  if (q && searchCursor.value && !searchLoading.value) void run(q, searchCursor.value);
}

/** Searches the current query again at once (after the mode changed); nothing without a query. */
export function rerunSearch(): void {
  const q = searchQuery.value.trim();
  if (!q) return;
  if (timer) clearTimeout(timer);
  timer = null;
  searchDone.value = false;
  void run(q, null);
}

/** Clears the search box and results. */
export function clearSearch(): void {
  setSearchQuery('');
}

// A new mode (picked in the search box, or meaning search turned on or off) searches the typed query again at once.
let lastMode = activeSearchMode.peek();
effect(() => {
  const mode = activeSearchMode.value;
  if (mode === lastMode) return;
  lastMode = mode;
  untracked(rerunSearch);
});
