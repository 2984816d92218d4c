import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEARCH_MODE,
  effectiveSearchMode,
  meaningCoverageNote,
  embeddingProgressView,
  pagesByCursor,
  parseSearchMode,
  SEARCH_MODE_CHOICES,
  searchModeKey,
  type SearchSettings,
} from './search-modes.js';

const settings = (meaning_search: boolean, embedded: number, total: number): SearchSettings => ({
  meaning_search,
  embedding: { model: 'stories260K', dims: 64, embedded, total },
});

describe('search modes', () => {
  it('sends the chosen mode only while meaning search is on', () => {
    expect(effectiveSearchMode('meaning', true)).toBe('meaning');
    expect(effectiveSearchMode('fused', true)).toBe('fused');
    expect(effectiveSearchMode('meaning', false)).toBe('words');
    expect(effectiveSearchMode('fused', false)).toBe('words');
  });

  it('pages by cursor for words only', () => {
    expect(SEARCH_MODE_CHOICES.filter((c) => pagesByCursor(c.mode)).map((c) => c.mode)).toEqual(['words']);
  });

  it('reads back a remembered mode, and nothing else', () => {
    expect(parseSearchMode('meaning')).toBe('meaning');
    expect(parseSearchMode('fused')).toBe('fused');
    expect(parseSearchMode('vectors')).toBeNull();
    expect(parseSearchMode(null)).toBeNull();
    expect(DEFAULT_SEARCH_MODE).toBe('fused');
  });

  it('remembers the mode per user', () => {
    expect(searchModeKey('U1')).not.toBe(searchModeKey('U2'));
    expect(searchModeKey(null)).toBe('search-mode:local');
  });
});

describe('embeddingProgressView', () => {
  it('says off, progress with a bar, and ready', () => {
    expect(embeddingProgressView(settings(false, 0, 0), null)).toMatchObject({ fraction: null, error: false });
    expect(embeddingProgressView(settings(false, 0, 0), null).text).toMatch(/^Off/);
    expect(embeddingProgressView(settings(true, 1200, 4800), null)).toEqual({
      text: 'Embedding your messages: 1,200 of 4,800 messages done.',
      fraction: 0.25,
      error: false,
    });
    expect(embeddingProgressView(settings(true, 40, 40), { state: 'idle', reason: null }).text).toBe(
      'Ready: 40 messages embedded.',
    );
    expect(embeddingProgressView(settings(true, 0, 0), null).text).toBe(
      'Ready: new messages are embedded as they are written.',
    );
  });

  it("gives the server's reason when no model can embed, with what waits", () => {
    const view = embeddingProgressView(settings(true, 2, 10), {
      state: 'off',
      reason: 'No model can embed now: set EMBEDDING_MODEL or load a chat model.',
    });
    expect(view).toEqual({
      text: 'No model can embed now: set EMBEDDING_MODEL or load a chat model. 8 messages wait to be embedded.',
      fraction: null,
      error: true,
    });
    expect(
      embeddingProgressView(settings(true, 9, 10), { state: 'error', reason: 'Embedding failed: boom.' }).text,
    ).toBe('Embedding failed: boom. 1 message waits to be embedded.');
    // Nothing waiting: a meaning search still needs the model for its query.
    expect(embeddingProgressView(settings(true, 10, 10), { state: 'off', reason: 'No model can embed now.' })).toEqual({
      text: 'No model can embed now. Search by meaning works again once one can.',
      fraction: null,
      error: true,
    });
    expect(embeddingProgressView(settings(false, 0, 0), { state: 'off', reason: 'x' }).error).toBe(false);
  });
});

describe('meaningCoverageNote', () => {
  it('says how much meaning search covers until it covers everything', () => {
    expect(meaningCoverageNote(settings(true, 64, 100))).toBe('Meaning covers 64 of 100 messages so far.');
    expect(meaningCoverageNote(settings(true, 100, 100))).toBeNull();
    expect(meaningCoverageNote(settings(false, 0, 100))).toBeNull();
  });
});
