import { describe, expect, it } from 'vitest';
import { DEFAULT_TITLE, deriveTitle } from './index.js';

describe('deriveTitle', () => {
  it('takes the first non-blank line, with its spaces collapsed', () => {
    expect(deriveTitle('\n  Plan the   trip\nto Rome')).toBe('Plan the trip');
    expect(deriveTitle('How do I rotate logs in pino?\r\nThanks')).toBe('How do I rotate logs in pino?');
  });

  it('cuts a long line at a word near the limit, with an ellipsis', () => {
    const title = deriveTitle(`${'word '.repeat(30)}end`);
    expect(title.endsWith('…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(61);
    expect(title.slice(0, -1)).toBe(title.slice(0, -1).trimEnd());
    expect(deriveTitle('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}…`);
  });

  it('falls back to the default title for a message with no text', () => {
    expect(deriveTitle('  \n \n')).toBe(DEFAULT_TITLE);
  });
});
