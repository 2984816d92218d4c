// @vitest-environment happy-dom
/**
 * The search box's modes in a DOM (happy-dom): no control on a server without search by meaning; while it is off,
 * Meaning and Both are disabled with a way to the setting; while on, picking Meaning searches again with
 * `mode=meaning`, a meaning hit shows its snippet plainly, and opening it jumps to its message.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import type { SearchHit } from '@chat-studio/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchSettings } from '../../lib/search-modes.js';
import { chosenSearchMode, focusMeaningSwitch, searchSettings } from '../../models/meaning-search.js';
import { searchHits, searchQuery, setSearchQuery } from '../../models/search.js';
import { currentSessionId } from '../../models/sessions.js';
import { closeSettings, settingsOpen } from '../../models/settings.js';
import { fakeChatServer, json, type FakeChatServer } from '../../testing/fake-chat-server.js';
import { SearchResults } from './index.js';

const S = '01J0000000000000000000000S';
const M1 = '01J000000000000000000000M1';
const M2 = '01J000000000000000000000M2';

const settings = (on: boolean): SearchSettings => ({
  meaning_search: on,
  embedding: { model: 'stories260K', dims: 64, embedded: 3, total: 3 },
});

const hit = (id: string, highlights: [number, number][]): SearchHit => ({
  message_id: id,
  session_id: S,
  session_title: 'Login tests',
  role: 'user',
  snippet: 'the sign-in check fails now and then',
  highlights,
  created_at: '2026-12-03T00:00:00.000Z',
  rank: 0.2,
});

let host: HTMLElement;
let server: FakeChatServer;

beforeEach(() => {
  host = document.createElement('div');
  document.body.append(host);
  server = fakeChatServer({
    'GET /api/chat/search': ({ query }) =>
      json({ items: [query.get('mode') === 'meaning' ? hit(M2, []) : hit(M1, [[4, 11]])], next_cursor: null }),
  });
  chosenSearchMode.value = 'words';
  searchQuery.value = 'flaky login test';
  searchHits.value = [];
});

afterEach(() => {
  render(null, host);
  host.remove();
  setSearchQuery('');
  searchSettings.value = null;
  focusMeaningSwitch.value = false;
  closeSettings();
  currentSessionId.value = null;
  vi.unstubAllGlobals();
});

async function mount(): Promise<void> {
  await act(() => {
    render(<SearchResults />, host);
  });
}

const radio = (mode: string) => host.querySelector<HTMLInputElement>(`[data-testid="search-mode-${mode}"]`)!;
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe('SearchModes', () => {
  it('shows no modes on a server without search by meaning', async () => {
    await mount();
    expect(host.querySelector('[data-testid="search-modes"]')).toBeNull();
  });

  it('disables Meaning and Both while off, saying so, with a way to turn it on', async () => {
    searchSettings.value = settings(false);
    await mount();
    expect(radio('words').checked).toBe(true);
    expect([radio('meaning').disabled, radio('fused').disabled, radio('words').disabled]).toEqual([true, true, false]);
    const group = host.querySelector('[data-testid="search-modes"]')!;
    expect(group.querySelector('legend')?.textContent).toBe('Find messages by');
    expect(document.getElementById(group.getAttribute('aria-describedby') ?? '')?.textContent).toContain(
      'Search by meaning is off.',
    );
    await act(() => host.querySelector<HTMLButtonElement>('[data-testid="turn-on-meaning"]')!.click());
    expect(settingsOpen.value).toBe(true);
    expect(focusMeaningSwitch.value).toBe(true);
  });

  it('searches by meaning when picked, shows the hit plainly, and opens it at its message', async () => {
    searchSettings.value = settings(true);
    await mount();
    expect(host.querySelector('[data-testid="turn-on-meaning"]')).toBeNull();
    await act(() => radio('meaning').click());
    await settle();
    expect(radio('meaning').checked).toBe(true);
    expect(server.requests.filter((r) => r.path === '/api/chat/search').map((r) => r.query.get('mode'))).toEqual([
      'meaning',
    ]);
    const result = host.querySelector<HTMLButtonElement>('[data-testid="search-result"]')!;
    expect(result.dataset.messageId).toBe(M2);
    expect(result.querySelector('mark')).toBeNull();
    expect(result.querySelector('.hit-snippet')?.textContent).toBe('the sign-in check fails now and then');
    // No "More results": meaning search answers one page.
    expect(host.textContent).not.toContain('More results');

    await act(() => result.click());
    await settle();
    expect(currentSessionId.value).toBe(S);
    // The chat opens at the hit: its branch, then the page around it.
    expect(server.requests.find((r) => r.path === `/api/chat/sessions/${S}/branch`)?.body).toEqual({ message_id: M2 });
  });

  it('says how much of the history meaning search covers while it is still embedding', async () => {
    searchSettings.value = { ...settings(true), embedding: { model: 'm', dims: 64, embedded: 1, total: 3 } };
    await mount();
    await act(() => radio('words').click());
    expect(host.querySelector('[data-testid="meaning-coverage"]')).toBeNull();
    await act(() => radio('meaning').click());
    await settle();
    expect(host.querySelector('[data-testid="meaning-coverage"]')?.textContent).toBe(
      'Meaning covers 1 of 3 messages so far.',
    );
  });

  it('marks the matched words of a word hit', async () => {
    searchSettings.value = settings(true);
    await mount();
    await act(() => radio('words').click());
    await act(() => radio('fused').click());
    await act(() => radio('words').click());
    await settle();
    expect(host.querySelector('[data-testid="search-result"] mark')?.textContent).toBe('sign-in');
  });
});
