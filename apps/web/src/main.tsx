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
