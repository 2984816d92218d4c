/** Whether the server can be reached: drives the "server unreachable" state (e.g. the app opened offline). */
import { signal } from '@preact/signals';
import { api, onReachability } from '../lib/api.js';

/** `false` after a request failed on the network, until one gets through again. */
export const serverReachable = signal(true);
/** A reconnect attempt is running. */
export const reconnecting = signal(false);

const RETRY_MS = 10_000;
let timer: ReturnType<typeof setTimeout> | null = null;
let onBack: (() => void) | null = null;

onReachability((ok) => {
  if (ok === serverReachable.peek()) return;
  serverReachable.value = ok;
  if (ok) {
    if (timer) clearTimeout(timer);
    timer = null;
    onBack?.();
  } else scheduleRetry();
});

function scheduleRetry(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    void reconnect();
  }, RETRY_MS);
}

/** Tries the server now (GET /health, never cached by the service worker); on success the app reloads its data. */
export async function reconnect(): Promise<void> {
  reconnecting.value = true;
  try {
    await api.health();
  } catch {
    // Still unreachable: the listener scheduled the next try.
    if (!serverReachable.peek()) scheduleRetry();
  } finally {
    reconnecting.value = false;
  }
}

/** What to run when the server is back (reload the sidebar, models and limits). */
export function whenReachableAgain(run: () => void): void {
  onBack = run;
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => void reconnect());
}
