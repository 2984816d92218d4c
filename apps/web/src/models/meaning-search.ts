/**
 * Search by meaning: the user's opt-in and embedding progress (from the server), the server's embedding state (from
 * `/health`), and the search box's chosen mode, remembered per user in localStorage.
 */
import { computed, signal } from '@preact/signals';
import type { SearchMode } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { humanError } from '../lib/error-text.js';
import { fetchSearchSettings, patchSearchSettings } from '../lib/search-api.js';
import {
  DEFAULT_SEARCH_MODE,
  effectiveSearchMode,
  parseSearchMode,
  searchModeKey,
  type EmbeddingWork,
  type SearchSettings,
} from '../lib/search-modes.js';
import { currentUser } from './auth.js';
import { closeSidebar } from './layout.js';
import { openSettings, settingsOpen } from './settings.js';

/** How often the settings panel asks for the embedding progress while it is open. */
export const PROGRESS_POLL_MS = 2000;

/** The opt-in and progress; null until loaded, or on a server without search by meaning. */
export const searchSettings = signal<SearchSettings | null>(null);
/** The server's background embedding state (why nothing is embedded, when so); null when unknown. */
export const embeddingWork = signal<EmbeddingWork | null>(null);
/** True while the opt-in is being changed. */
export const meaningSaving = signal(false);
/** Why the last change of the opt-in failed, in words. */
export const meaningError = signal<string | null>(null);
/** The mode the person picked in the search box (used while meaning search is on). */
export const chosenSearchMode = signal<SearchMode>(DEFAULT_SEARCH_MODE);

/** Set by {@link openMeaningSettings}: the settings panel focuses the meaning-search switch instead of its first field. */
export const focusMeaningSwitch = signal(false);
/** Id of the settings panel's "Search by meaning" switch. */
export const MEANING_SWITCH_ID = 'meaning-search-switch';

/** True when the user turned search by meaning on. */
export const meaningSearchOn = computed(() => searchSettings.value?.meaning_search === true);
/** The mode searches are sent with now. */
export const activeSearchMode = computed(() => effectiveSearchMode(chosenSearchMode.value, meaningSearchOn.value));

/** Counts changes of the opt-in, so a read that started before one is dropped. */
let changes = 0;

const storageKey = () => `chat-studio:${searchModeKey(currentUser.value?.id ?? null)}`;

/** Reads the signed-in user's remembered mode (call once the user is known). */
export function restoreSearchMode(): void {
  let raw: unknown = null;
  try {
    const stored = globalThis.localStorage?.getItem(storageKey());
    raw = stored ? (JSON.parse(stored) as unknown) : null;
  } catch {
    raw = null;
  }
  chosenSearchMode.value = parseSearchMode(raw) ?? DEFAULT_SEARCH_MODE;
}

/** Picks the search box's mode and remembers it for this user. */
export function chooseSearchMode(mode: SearchMode): void {
  chosenSearchMode.value = mode;
  try {
    globalThis.localStorage?.setItem(storageKey(), JSON.stringify(mode));
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
}

/** Loads the opt-in and progress; a server without the route leaves them null (the search box then shows no modes). */
export async function loadSearchSettings(): Promise<SearchSettings | null> {
  const changesBefore = changes;
  try {
    const loaded = await fetchSearchSettings();
    // A change made meanwhile answered with newer settings: this older read must not undo it on screen.
    if (changes === changesBefore && !meaningSaving.value) searchSettings.value = loaded;
  } catch {
    // Older server, or not reachable: word search works without it.
  }
  return searchSettings.value;
}

/** Reads the server's embedding state from `/health` (its `meaning_search`); absent there means unknown. */
export async function loadEmbeddingWork(): Promise<void> {
  try {
    const health = await api.health();
    const work = health.meaning_search;
    embeddingWork.value = work ? { state: work.state, reason: work.reason } : null;
  } catch {
    embeddingWork.value = null;
  }
}

/** Turns search by meaning on or off for this user (PATCH); the answer carries the new progress. */
export async function setMeaningSearch(on: boolean): Promise<boolean> {
  changes++;
  meaningSaving.value = true;
  meaningError.value = null;
  try {
    searchSettings.value = await patchSearchSettings(on);
    void loadEmbeddingWork();
    return true;
  } catch (error) {
    meaningError.value = humanError(error);
    return false;
  } finally {
    meaningSaving.value = false;
  }
}

/**
 * Refreshes the progress now and every {@link PROGRESS_POLL_MS} until the returned function is called (the settings
 * panel does this while it is open).
 */
export function watchEmbeddingProgress(): () => void {
  const refresh = () => {
    void loadSearchSettings();
    void loadEmbeddingWork();
  };
  refresh();
  const timer = setInterval(refresh, PROGRESS_POLL_MS);
  return () => clearInterval(timer);
}

/** Opens the settings panel at the "Search by meaning" switch (from the search box, while meaning search is off). */
export function openMeaningSettings(): void {
  focusMeaningSwitch.value = true;
  closeSidebar();
  if (settingsOpen.value) document.getElementById(MEANING_SWITCH_ID)?.focus();
  else openSettings();
}
