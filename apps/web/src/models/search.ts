/** Full-text search across chats: debounced query, paged hits, opening a hit at its message. */
import { batch, signal } from '@preact/signals';
import type { SearchHit } from '@chat-studio/protocol';
import { api } from '../lib/api.js';

/** Wait after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 250;

export const searchQuery = signal('');
export const searchHits = signal<SearchHit[]>([]);
export const searchCursor = signal<string | null>(null);
export const searchLoading = signal(false);
export const searchError = signal<string | null>(null);
/** True once a search for the current query answered (so "No results" is not shown while typing). */
export const searchDone = signal(false);

let timer: ReturnType<typeof setTimeout> | null = null;
let token = 0;

async function run(q: string, cursor: string | null): Promise<void> {
  const mine = ++token;
  searchLoading.value = true;
  searchError.value = null;
  try {
    const page = await api.search(q, { limit: 30, cursor: cursor ?? undefined });
    if (mine !== token) return;
    batch(() => {
      searchHits.value = cursor ? [...searchHits.value, ...page.items] : page.items;
      searchCursor.value = page.next_cursor;
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
  if (q && searchCursor.value && !searchLoading.value) void run(q, searchCursor.value);
}

/** Clears the search box and results. */
export function clearSearch(): void {
  setSearchQuery('');
}
