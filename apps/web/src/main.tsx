/** Browser entry: renders the app and checks the login state. */
import { render } from 'preact';
import { App } from './app.js';
import { checkAuth } from './models/auth.js';
import { applyTheme } from './models/theme.js';
import './styles.css';

applyTheme();
render(<App />, document.getElementById('app')!);
void checkAuth();
// The markdown renderer loads when the first message needs it (components/markdown), not on the empty screen.

// The app shell worker (built by vite/app-shell-worker.ts) lets the app open offline and install; not in dev.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
}
