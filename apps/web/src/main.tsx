/** Browser entry: renders the app and checks the login state. */
import { render } from 'preact';
import { App } from './app.js';
import { checkAuth } from './models/auth.js';
import { ensureMarkdown } from './models/renderers.js';
import './styles.css';
import './models/debug-handle.js';

render(<App />, document.getElementById('app')!);
void checkAuth();
// Fetch the markdown renderer right away, in parallel with the first API calls.
ensureMarkdown();
