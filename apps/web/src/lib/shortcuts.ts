/** The app's keyboard shortcuts as data: what the `?` overlay lists and what the global key handler matches. */

/** What a shortcut does. */
export type ShortcutAction =
  | 'new-chat'
  | 'focus-search'
  | 'previous-chat'
  | 'next-chat'
  | 'focus-composer'
  | 'stop'
  | 'help';

/** The parts of a KeyboardEvent the matcher reads (so tests need no DOM). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** One shortcut: its action, the keys as shown to people, and its test. */
export interface Shortcut {
  action: ShortcutAction;
  /** Keys as shown, "Mod" standing for Ctrl (Cmd on a Mac). */
  keys: string[];
  description: string;
  /** Also fires while typing in a text field (only combinations with Ctrl/Cmd/Alt do). */
  whileTyping: boolean;
  matches: (e: KeyLike) => boolean;
}

const mod = (e: KeyLike) => e.ctrlKey || e.metaKey;
const lower = (e: KeyLike) => e.key.toLowerCase();

/** Every shortcut, in the order the overlay lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    action: 'new-chat',
    keys: ['Mod+Shift+O'],
    description: 'New chat',
    whileTyping: true,
    matches: (e) => mod(e) && e.shiftKey && !e.altKey && lower(e) === 'o',
  },
  {
    action: 'focus-search',
    keys: ['Mod+K', '/'],
    description: 'Search chats',
    whileTyping: true,
    matches: (e) => (mod(e) && !e.shiftKey && !e.altKey && lower(e) === 'k') || (e.key === '/' && !mod(e) && !e.altKey),
  },
  {
    action: 'previous-chat',
    keys: ['Alt+↑'],
    description: 'Previous chat in the list',
    whileTyping: true,
    matches: (e) => e.altKey && !mod(e) && e.key === 'ArrowUp',
  },
  {
    action: 'next-chat',
    keys: ['Alt+↓'],
    description: 'Next chat in the list',
    whileTyping: true,
    matches: (e) => e.altKey && !mod(e) && e.key === 'ArrowDown',
  },
  {
    action: 'focus-composer',
    keys: ['Shift+Esc'],
    description: 'Go to the message box',
    whileTyping: true,
    matches: (e) => e.shiftKey && e.key === 'Escape',
  },
  {
    action: 'stop',
    keys: ['Esc'],
    description: 'Stop the reply (or close a panel)',
    whileTyping: true,
    matches: (e) => !e.shiftKey && !mod(e) && !e.altKey && e.key === 'Escape',
  },
  {
    action: 'help',
    keys: ['?'],
    description: 'Show these shortcuts',
    whileTyping: false,
    matches: (e) => e.key === '?' && !mod(e) && !e.altKey,
  },
];

/** Keys of the sidebar's chat list, listed in the overlay too (they are handled by the list itself). */
export const LIST_KEYS: ReadonlyArray<{ keys: string[]; description: string }> = [
  { keys: ['↑', '↓', 'Home', 'End'], description: 'Move between chats in the sidebar (one Tab stop)' },
  { keys: ['Enter'], description: 'Open the chat' },
  { keys: ['F2'], description: 'Rename the chat' },
  { keys: ['P'], description: 'Pin or unpin the chat' },
  { keys: ['A'], description: 'Archive or unarchive the chat' },
  { keys: ['Delete'], description: 'Delete the chat (with undo)' },
];

/**
 * The action for a key press, or `null`. `typing` is true while focus is in a text field: plain keys like `/` and
 * `?` belong to the text there.
 *
 * @example
 * matchShortcut({ key: 'k', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }, true) // 'focus-search'
 */
export function matchShortcut(e: KeyLike, typing: boolean): ShortcutAction | null {
  for (const s of SHORTCUTS) {
    if (typing && !s.whileTyping) continue;
    // A bare "/" typed into a field is text.
    if (typing && s.action === 'focus-search' && !mod(e)) continue;
    if (s.matches(e)) return s.action;
  }
  return null;
}

/** Shows "Mod" as ⌘ on Apple devices and Ctrl elsewhere. */
export function keyLabel(key: string, apple: boolean): string {
  return key.replace('Mod', apple ? '⌘' : 'Ctrl');
}

/**
 * Where arrow keys move in a list of `count` items from `index`; `null` for keys the list does not handle.
 *
 * @example
 * rovingIndex('ArrowDown', 2, 3) // 2 (stays on the last)
 */
export function rovingIndex(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * The neighbour of `currentId` in `ids` one step in `direction`; the first (or last) when none is open, `null` at the ends.
 *
 * @example
 * neighbourId(['a', 'b'], 'a', 1) // 'b'
 */
export function neighbourId(ids: readonly string[], currentId: string | null, direction: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const i = currentId === null ? -1 : ids.indexOf(currentId);
  if (i < 0) return direction === 1 ? ids[0]! : ids[ids.length - 1]!;
  return ids[i + direction] ?? null;
}
