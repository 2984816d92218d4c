/** Layout state: on narrow screens the sidebar is a drawer opened from a toggle in the chat header. */
import { signal } from '@preact/signals';

/** Widest viewport, in CSS pixels, where the sidebar becomes a drawer. Must match the media query in styles.css. */
export const NARROW_MAX_WIDTH = 720;

/** Whether the sidebar drawer is open. Only has an effect on narrow screens; wide screens always show the sidebar. */
export const sidebarOpen = signal(false);

/** Opens or closes the sidebar drawer. */
export function toggleSidebar(): void {
  sidebarOpen.value = !sidebarOpen.value;
}

/** Closes the sidebar drawer (after a chat is chosen, or on Escape). */
export function closeSidebar(): void {
  sidebarOpen.value = false;
}

/** The chat row that holds the sidebar's one Tab stop (arrow keys move it); `null` means the open chat's row. */
export const sidebarFocusId = signal<string | null>(null);
