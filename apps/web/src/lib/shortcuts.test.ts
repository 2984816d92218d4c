import { describe, expect, it } from 'vitest';
import { keyLabel, matchShortcut, neighbourId, rovingIndex, type KeyLike } from './shortcuts.js';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('matchShortcut', () => {
  it('matches the combinations anywhere, also while typing', () => {
    expect(matchShortcut(key('O', { ctrlKey: true, shiftKey: true }), true)).toBe('new-chat');
    expect(matchShortcut(key('k', { metaKey: true }), true)).toBe('focus-search');
    expect(matchShortcut(key('ArrowUp', { altKey: true }), true)).toBe('previous-chat');
    expect(matchShortcut(key('ArrowDown', { altKey: true }), false)).toBe('next-chat');
    expect(matchShortcut(key('Escape', { shiftKey: true }), true)).toBe('focus-composer');
    expect(matchShortcut(key('Escape'), true)).toBe('stop');
  });
  it('leaves plain keys to the text field being typed in', () => {
    expect(matchShortcut(key('?', { shiftKey: true }), true)).toBeNull();
    expect(matchShortcut(key('/'), true)).toBeNull();
    expect(matchShortcut(key('?', { shiftKey: true }), false)).toBe('help');
    expect(matchShortcut(key('/'), false)).toBe('focus-search');
    expect(matchShortcut(key('a'), false)).toBeNull();
  });
  it('labels Mod for the platform', () => {
    expect(keyLabel('Mod+K', true)).toBe('⌘+K');
    expect(keyLabel('Mod+K', false)).toBe('Ctrl+K');
  });
});

describe('list keys', () => {
  it('moves within bounds', () => {
    expect(rovingIndex('ArrowDown', 0, 3)).toBe(1);
    expect(rovingIndex('ArrowDown', 2, 3)).toBe(2);
    expect(rovingIndex('ArrowUp', 0, 3)).toBe(0);
    expect(rovingIndex('End', 0, 3)).toBe(2);
    expect(rovingIndex('Home', 2, 3)).toBe(0);
    expect(rovingIndex('x', 0, 3)).toBeNull();
    expect(rovingIndex('ArrowDown', 0, 0)).toBeNull();
  });
  it('finds the previous and next chat', () => {
    expect(neighbourId(['a', 'b', 'c'], 'b', 1)).toBe('c');
    expect(neighbourId(['a', 'b', 'c'], 'b', -1)).toBe('a');
    expect(neighbourId(['a', 'b'], 'b', 1)).toBeNull();
    expect(neighbourId(['a', 'b'], null, 1)).toBe('a');
    expect(neighbourId(['a', 'b'], null, -1)).toBe('b');
    expect(neighbourId([], null, 1)).toBeNull();
  });
});
