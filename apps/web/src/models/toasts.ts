/** Toast notifications (e.g. "Chat deleted · Undo"), each with an optional action and its own timeout. */
import { signal } from '@preact/signals';
import { asSentence, humanError } from '../lib/error-text.js';

/** One toast on screen. */
export interface Toast {
  id: number;
  message: string;
  action?: { label: string; run: () => void };
  /** `error` toasts are announced assertively. */
  kind: 'info' | 'error';
}

/** Toasts currently shown, oldest first. */
export const toasts = signal<Toast[]>([]);

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/**
 * Shows a toast for `timeoutMs` (defaults to 5000; 0 keeps it until dismissed) and returns its id.
 *
 * @example
 * showToast({ message: 'Chat deleted', action: { label: 'Undo', run: restore } });
 */
export function showToast(toast: Omit<Toast, 'id' | 'kind'> & { kind?: Toast['kind']; timeoutMs?: number }): number {
  const id = nextId++;
  const { timeoutMs = 5000, kind = 'info', ...rest } = toast;
  toasts.value = [...toasts.value, { id, kind, ...rest }];
  if (timeoutMs > 0)
    timers.set(
      id,
      setTimeout(() => dismissToast(id), timeoutMs),
    );
  return id;
}

/** Removes a toast now. */
export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

/** Shows an error toast from anything thrown, as sentences ("Message not sent. The server could not be reached."). */
export function showError(error: unknown, prefix = ''): void {
  const message = humanError(error);
  showToast({ message: prefix ? `${asSentence(prefix)} ${message}` : message, kind: 'error', timeoutMs: 7000 });
}
