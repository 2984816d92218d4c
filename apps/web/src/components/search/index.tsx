/**
 * Search box, its mode (words, meaning, both) and hits; matches are marked by slicing the plain-text snippet, never
 * by parsing HTML (a meaning hit has no marks: its snippet shows plainly).
 */
import type { SearchHit } from '@chat-studio/protocol';
import { sliceHighlights } from '../../lib/highlight-slices.js';
import { plural } from '../../lib/plural.js';
import { meaningCoverageNote, SEARCH_MODE_CHOICES } from '../../lib/search-modes.js';
import { openSearchHit } from '../../models/app.js';
import {
  activeSearchMode,
  chooseSearchMode,
  meaningSearchOn,
  openMeaningSettings,
  searchSettings,
} from '../../models/meaning-search.js';
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

/**
 * Words / Meaning / Both as a radio group (arrow keys move between them). While meaning search is off, Meaning and
 * Both are disabled with the reason and a button to the setting; on a server without it there is no control.
 */
export function SearchModes() {
  const settings = searchSettings.value;
  if (!settings) return null;
  const on = meaningSearchOn.value;
  const active = activeSearchMode.value;
  const coverage = active === 'words' ? null : meaningCoverageNote(settings);
  return (
    <fieldset class="search-modes" data-testid="search-modes" aria-describedby={on ? undefined : 'search-modes-off'}>
      <legend class="sr-only">Find messages by</legend>
      <div class="segmented">
        {SEARCH_MODE_CHOICES.map((c) => (
          <label key={c.mode} class="segment" title={c.hint}>
            <input
              type="radio"
              name="search-mode"
              value={c.mode}
              data-testid={`search-mode-${c.mode}`}
              checked={active === c.mode}
              disabled={!on && c.mode !== 'words'}
              onChange={() => chooseSearchMode(c.mode)}
            />
            <span>{c.label}</span>
          </label>
        ))}
      </div>
      {coverage && (
        <p class="muted search-modes-note" data-testid="meaning-coverage">
          {coverage}
        </p>
      )}
      {!on && (
        <p class="muted search-modes-note" id="search-modes-off">
          Search by meaning is off.{' '}
          <button type="button" class="link" data-testid="turn-on-meaning" onClick={openMeaningSettings}>
            Turn it on in settings
          </button>
        </p>
      )}
    </fieldset>
  );
}

/** Hits for the current query; replaces the session list while a query is typed. */
export function SearchResults() {
  const hits = searchHits.value;
  return (
    <section class="search-results" aria-label="Search results" aria-busy={searchLoading.value}>
      <SearchModes />
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
