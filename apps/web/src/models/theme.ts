/** Colour theme: follow the system, or light or dark on request; remembered in this browser. */
import { effect, signal } from '@preact/signals';

/** The theme choices. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'chat-studio:theme';

function read(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** The chosen theme. */
export const theme = signal<ThemeChoice>(typeof localStorage === 'undefined' ? 'system' : read());

/** Chooses a theme and remembers it. */
export function setTheme(choice: ThemeChoice): void {
  theme.value = choice;
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Private mode without storage: the choice lasts for this page.
  }
}

/** Applies the theme to the document (`data-theme` on <html>, read by styles.css); call once at start. */
export function applyTheme(): void {
  effect(() => {
    const choice = theme.value;
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
  });
}
