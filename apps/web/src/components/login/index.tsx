/** Login page, shown when /api/auth/me answers 401. */
import { useSignal } from '@preact/signals';
import { loggingIn, loginError, login } from '../../models/auth.js';

export function Login() {
  const username = useSignal('');
  const password = useSignal('');
  return (
    <main class="login">
      <form
        class="login-card"
        data-testid="login-form"
        aria-labelledby="login-title"
        onSubmit={(e) => {
          e.preventDefault();
          void login(username.value, password.value);
        }}
      >
        <h1 id="login-title">Sign in to Chat Studio</h1>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            required
            // biome-ignore lint/a11y/noAutofocus: the login form is the whole screen, and its first field is where typing goes
            autoFocus
            value={username.value}
            onInput={(e) => (username.value = e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password.value}
            onInput={(e) => (password.value = e.currentTarget.value)}
          />
        </label>
        {loginError.value && (
          <p class="form-error" role="alert">
            {loginError.value}
          </p>
        )}
        <button type="submit" class="primary" disabled={loggingIn.value}>
          {loggingIn.value ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
