import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchHit } from '@chat-studio/protocol';
import type { SearchSettings } from '../lib/search-modes.js';
import { apiError, fakeChatServer, json, type FakeChatServer } from '../testing/fake-chat-server.js';
import { currentUser } from './auth.js';
import {
  activeSearchMode,
  chooseSearchMode,
  chosenSearchMode,
  embeddingWork,
  loadSearchSettings,
  meaningError,
  PROGRESS_POLL_MS,
  restoreSearchMode,
  searchSettings,
  setMeaningSearch,
  watchEmbeddingProgress,
} from './meaning-search.js';
import {
  loadMoreHits,
  rerunSearch,
  searchCursor,
  searchDone,
  searchHits,
  searchHitsMode,
  searchQuery,
  setSearchQuery,
} from './search.js';

const S = '01J0000000000000000000000S';
const M1 = '01J000000000000000000000M1';
const M2 = '01J000000000000000000000M2';

const settings = (on: boolean, embedded = 0, total = 0): SearchSettings => ({
  meaning_search: on,
  embedding: { model: on ? 'stories260K' : null, dims: on ? 64 : null, embedded, total },
});

const hit = (id: string, highlights: [number, number][] = []): SearchHit => ({
  message_id: id,
  session_id: S,
  session_title: 'Login tests',
  role: 'user',
  snippet: 'the sign-in check fails now and then',
  highlights,
  created_at: '2026-12-03T00:00:00.000Z',
  rank: 0.1,
});

/** A Storage kept in a Map (the node test environment has no localStorage). */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

const user = (id: string) => ({ id, username: id, created_at: '2026-12-03T00:00:00.000Z', role: 'user' as const });
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeEach(() => {
  vi.stubGlobal('localStorage', memoryStorage());
  currentUser.value = null;
  searchSettings.value = null;
  embeddingWork.value = null;
  meaningError.value = null;
  chosenSearchMode.value = 'fused';
  setSearchQuery('');
});
afterEach(() => {
  setSearchQuery('');
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the search mode', () => {
  it('is remembered per user', () => {
    currentUser.value = user('U1');
    chooseSearchMode('meaning');
    currentUser.value = user('U2');
    restoreSearchMode();
    expect(chosenSearchMode.value).toBe('fused');
    chooseSearchMode('words');
    currentUser.value = user('U1');
    restoreSearchMode();
    expect(chosenSearchMode.value).toBe('meaning');
  });

  it('is words while meaning search is off or unknown, whatever was chosen', () => {
    chooseSearchMode('meaning');
    expect(activeSearchMode.value).toBe('words');
    searchSettings.value = settings(false);
    expect(activeSearchMode.value).toBe('words');
    searchSettings.value = settings(true);
    expect(activeSearchMode.value).toBe('meaning');
  });
});

describe('searching with a mode', () => {
  function searchServer(): FakeChatServer {
    return fakeChatServer({
      'GET /api/chat/search': ({ query }) =>
        query.get('mode') === 'words'
          ? json({ items: [hit(M1, [[4, 11]])], next_cursor: query.get('cursor') ? null : 'page2' })
          : json({ items: [hit(M2)], next_cursor: null }),
    });
  }
  const sent = (server: FakeChatServer) =>
    server.requests
      .filter((r) => r.path === '/api/chat/search')
      .map((r) => `${r.query.get('mode') ?? '(default)'}${r.query.get('cursor') ? '+cursor' : ''}`);

  it('sends meaning as chosen, both as the server default, and words while off; each change searches again', async () => {
    const server = searchServer();
    searchQuery.value = 'flaky login test';
    chosenSearchMode.value = 'meaning';
    // Turning meaning search on makes the chosen mode the active one: the query is searched again with it.
    searchSettings.value = settings(true);
    await settle();
    expect(searchHits.value.map((h) => h.message_id)).toEqual([M2]);
    expect(searchHitsMode.value).toBe('meaning');
    expect(searchDone.value).toBe(true);
    chooseSearchMode('fused');
    await settle();
    searchSettings.value = settings(false);
    await settle();
    expect(sent(server)).toEqual(['meaning', '(default)', 'words']);
    expect(server.requests.find((r) => r.path === '/api/chat/search')?.query.get('q')).toBe('flaky login test');
    // A meaning search reads the progress again (for the search box's coverage note); a word search does not.
    expect(server.calls().filter((c) => c === 'GET /api/chat/search/settings')).toHaveLength(2);
  });

  it('pages by cursor for words only', async () => {
    const server = searchServer();
    searchQuery.value = 'sign-in';
    chooseSearchMode('words');
    searchSettings.value = settings(true);
    rerunSearch();
    await settle();
    expect(searchCursor.value).toBe('page2');
    loadMoreHits();
    await settle();
    expect(searchHits.value.map((h) => h.message_id)).toEqual([M1, M1]);
    chooseSearchMode('meaning');
    await settle();
    expect(searchCursor.value).toBeNull();
    expect(sent(server)).toEqual(['words', 'words+cursor', 'meaning']);
  });

  it('asks nothing when the mode changes while no query is typed', async () => {
    const server = searchServer();
    searchSettings.value = settings(true);
    chooseSearchMode('meaning');
    await settle();
    expect(sent(server)).toEqual([]);
  });
});

describe('the opt-in', () => {
  it('loads, and turns on with a PATCH whose answer carries the progress', async () => {
    const server = fakeChatServer({
      'GET /api/chat/search/settings': () => json(settings(false)),
      'PATCH /api/chat/search/settings': () => json(settings(true, 0, 12)),
      'GET /health': () => json({ status: 'ok', meaning_search: { state: 'embedding', reason: null } }),
    });
    expect(await loadSearchSettings()).toEqual(settings(false));
    expect(await setMeaningSearch(true)).toBe(true);
    expect(searchSettings.value).toEqual(settings(true, 0, 12));
    const patch = server.requests.find((r) => r.method === 'PATCH');
    expect(patch?.body).toEqual({ meaning_search: true });
    await settle();
    expect(embeddingWork.value).toEqual({ state: 'embedding', reason: null });
  });

  it('says why a change failed, and keeps the old setting', async () => {
    fakeChatServer({
      'PATCH /api/chat/search/settings': () =>
        apiError(503, 'chat_unavailable', 'Search by meaning is not available: the vector extension did not load.'),
    });
    searchSettings.value = settings(false);
    expect(await setMeaningSearch(true)).toBe(false);
    expect(meaningError.value).toBe('Search by meaning is not available: the vector extension did not load.');
    expect(searchSettings.value).toEqual(settings(false));
  });

  it('leaves the settings unknown on a server without the route', async () => {
    fakeChatServer({});
    expect(await loadSearchSettings()).toBeNull();
  });

  it('refreshes the progress while watched, and stops when told', async () => {
    vi.useFakeTimers();
    let embedded = 0;
    const server = fakeChatServer({
      'GET /api/chat/search/settings': () => json(settings(true, embedded, 64)),
      'GET /health': () =>
        json({ status: 'ok', meaning_search: { state: embedded < 64 ? 'embedding' : 'idle', reason: null } }),
    });
    const stop = watchEmbeddingProgress();
    await vi.advanceTimersByTimeAsync(0);
    expect(searchSettings.value?.embedding.embedded).toBe(0);
    embedded = 32;
    await vi.advanceTimersByTimeAsync(PROGRESS_POLL_MS);
    expect(searchSettings.value?.embedding.embedded).toBe(32);
    stop();
    const asked = server.requests.length;
    embedded = 64;
    await vi.advanceTimersByTimeAsync(PROGRESS_POLL_MS * 3);
    expect(server.requests.length).toBe(asked);
    expect(searchSettings.value?.embedding.embedded).toBe(32);
  });
});

describe('a read and a change at once', () => {
  it('keeps the change when an older read answers after it', async () => {
    let answerRead: (r: Response) => void = () => {};
    fakeChatServer({
      'GET /api/chat/search/settings': () => new Promise<Response>((resolve) => (answerRead = resolve)),
      'PATCH /api/chat/search/settings': () => json(settings(false)),
      'GET /health': () => json({ status: 'ok' }),
    });
    searchSettings.value = settings(true);
    const read = loadSearchSettings();
    await settle();
    await setMeaningSearch(false);
    answerRead(json(settings(true)));
    await read;
    expect(searchSettings.value).toEqual(settings(false));
  });
});
