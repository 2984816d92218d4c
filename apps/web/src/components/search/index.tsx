/** Search box and hits; matches are marked by slicing the plain-text snippet, never by parsing HTML. */
import type { SearchHit } from '@chat-studio/protocol';
import { sliceHighlights } from '../../lib/highlight-slices.js';
import { plural } from '../../lib/plural.js';
import { openSearchHit } from '../../models/app.js';
import {
  clearSearch,
  loadMoreHits,
  searchCursor,
  searchDone,
  searchError,
  searchHits,
  searchLoading,
  searchQuery,
  setSearchQuery,
} from '../../models/search.js';

function Snippet({ hit }: { hit: SearchHit }) {
  return (
    <span class="hit-snippet">
      {sliceHighlights(hit.snippet, hit.highlights).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : s.text))}
    </span>
  );
}

/** The search input (always shown at the top of the sidebar). */
export function SearchBox() {
  return (
    // biome-ignore lint/a11y/useSemanticElements: role="search" on a div is the landmark every browser and reader supports today
    <div class="search-box" role="search">
      <input
        type="search"
        id="search-input"
        data-testid="search-input"
        aria-label="Search all chats"
        placeholder="Search chats (Ctrl+K)"
        value={searchQuery.value}
        onInput={(e) => setSearchQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && searchQuery.value) {
            e.preventDefault();
            clearSearch();
          }
        }}
      />
    </div>
  );
}

/** Hits for the current query; replaces the session list while a query is typed. */
export function SearchResults() {
  const hits = searchHits.value;
  return (
    <section class="search-results" aria-label="Search results" aria-busy={searchLoading.value}>
      <p class="sr-only" aria-live="polite">
        {searchDone.value
          ? searchCursor.value
            ? `More than ${plural(hits.length, 'result')}`
            : plural(hits.length, 'result')
          : ''}
      </p>
      {searchError.value && (
        <p class="form-error" role="alert">
          {searchError.value}
        </p>
      )}
      {searchDone.value && hits.length === 0 && !searchError.value && <p class="muted">No results.</p>}
      <ul class="hit-list">
        {hits.map((hit) => (
          <li key={hit.message_id}>
            <button
              type="button"
              class="hit"
              data-testid="search-result"
              data-session-id={hit.session_id}
              data-message-id={hit.message_id}
              onClick={() => openSearchHit(hit)}
            >
              <span class="hit-title">
                {hit.session_title || 'Untitled chat'} <span class="muted">· {hit.role}</span>
              </span>
              <Snippet hit={hit} />
            </button>
          </li>
        ))}
      </ul>
      {searchCursor.value && (
        <button type="button" class="link" onClick={loadMoreHits} disabled={searchLoading.value}>
          More results
        </button>
      )}
    </section>
  );
}
