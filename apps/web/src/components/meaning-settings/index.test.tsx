// @vitest-environment happy-dom
/**
 * The settings panel's "Search by meaning" in a DOM (happy-dom): the switch PATCHes the opt-in, the progress is asked
 * for again while the section is shown (and no longer after), and when no model can embed the reason is in words.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchSettings } from '../../lib/search-modes.js';
import { embeddingWork, PROGRESS_POLL_MS, searchSettings } from '../../models/meaning-search.js';
import { fakeChatServer, json } from '../../testing/fake-chat-server.js';
import { MeaningSettings } from './index.js';

const settings = (on: boolean, embedded: number, total: number): SearchSettings => ({
  meaning_search: on,
  embedding: { model: on ? 'stories260K' : null, dims: on ? 64 : null, embedded, total },
});

let host: HTMLElement;
let current: SearchSettings;
let work: { state: string; reason: string | null };

beforeEach(() => {
  vi.useFakeTimers();
  host = document.createElement('div');
  document.body.append(host);
  current = settings(false, 0, 0);
  work = { state: 'idle', reason: null };
});

afterEach(() => {
  render(null, host);
  host.remove();
  searchSettings.value = null;
  embeddingWork.value = null;
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function server() {
  return fakeChatServer({
    'GET /api/chat/search/settings': () => json(current),
    'PATCH /api/chat/search/settings': ({ body }) => {
      const on = (body as { meaning_search: boolean }).meaning_search;
      current = settings(on, 0, on ? 100 : 0);
      return json(current);
    },
    'GET /health': () => json({ status: 'ok', meaning_search: { ...work, users: 1, embedded: 0, total: 0 } }),
  });
}

async function mount(): Promise<void> {
  await act(() => {
    render(<MeaningSettings />, host);
  });
  await tick(0);
}

/** Runs the timers due in `ms` inside act, so the renders they cause are done. */
const tick = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

const progress = () => host.querySelector('[data-testid="meaning-progress"]')?.textContent;
const switchInput = () => host.querySelector<HTMLInputElement>('[data-testid="meaning-switch"]')!;

describe('MeaningSettings', () => {
  it('turns meaning search on, then shows the progress as it grows, until ready', async () => {
    const fake = server();
    await mount();
    expect(switchInput().checked).toBe(false);
    expect(switchInput().getAttribute('role')).toBe('switch');
    expect(progress()).toMatch(/^Off/);
    await act(async () => {
      switchInput().click();
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(fake.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ meaning_search: true });
    expect(switchInput().checked).toBe(true);
    expect(progress()).toBe('Embedding your messages: 0 of 100 messages done.');
    current = settings(true, 64, 100);
    await tick(PROGRESS_POLL_MS);
    expect(progress()).toBe('Embedding your messages: 64 of 100 messages done.');
    expect(host.querySelector<HTMLProgressElement>('[data-testid="meaning-progress-bar"]')?.value).toBeCloseTo(0.64);
    current = settings(true, 100, 100);
    await tick(PROGRESS_POLL_MS);
    expect(progress()).toBe('Ready: 100 messages embedded.');
    expect(host.querySelector('[data-testid="meaning-progress-bar"]')).toBeNull();
  });

  it('says why nothing is embedded when no model can embed', async () => {
    current = settings(true, 10, 40);
    work = { state: 'off', reason: 'No model can embed now: set EMBEDDING_MODEL or load a chat model.' };
    server();
    await mount();
    const line = host.querySelector('[data-testid="meaning-progress"]')!;
    expect(line.textContent).toBe(
      'No model can embed now: set EMBEDDING_MODEL or load a chat model. 30 messages wait to be embedded.',
    );
    expect(line.className).toBe('form-error');
  });

  it('stops asking once closed', async () => {
    const fake = server();
    await mount();
    render(null, host);
    const asked = fake.requests.length;
    await tick(PROGRESS_POLL_MS * 3);
    expect(fake.requests.length).toBe(asked);
  });
});
