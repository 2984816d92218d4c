import { describe, expect, it } from 'vitest';
import { importMessage } from './import-summary.js';

const base = { chats: 0, imported: 0, duplicates: 0, messages: 0, skipped: { nodes: 0, parts: 0 }, items: [] };

describe('importMessage', () => {
  it('says what came in, what was already there and what was left out', () => {
    expect(importMessage({ ...base, chats: 1, imported: 1, messages: 2 })).toBe('Imported 1 of 1 chat (2 messages).');
    expect(
      importMessage({ ...base, chats: 3, imported: 2, duplicates: 1, messages: 10, skipped: { nodes: 4, parts: 1 } }),
    ).toBe(
      'Imported 2 of 3 chats (10 messages); 1 already imported before, skipped; left out 1 attachment or non-text part and 4 empty or tool nodes.',
    );
  });
});
