/** Login state: checks `/api/auth/me` at start, shows the login page on 401, logs in and out. */
import { signal } from '@preact/signals';
import { ChatApiError, type User } from '@chat-studio/protocol';
import { api, onUnauthorized } from '../lib/api.js';

/** `checking` at start; `login` when the API wants credentials; `ready` when the app may load. */
export const authPhase = signal<'checking' | 'login' | 'ready'>('checking');
/** The signed-in user; `null` when auth is off or unknown. */
export const currentUser = signal<User | null>(null);
/** How the API authenticated us (`local` when auth is off). */
export const authMode = signal<'cookie' | 'api_key' | 'local' | null>(null);
export const loginError = signal<string | null>(null);
export const loggingIn = signal(false);

onUnauthorized(() => {
  if (authPhase.value === 'ready') authPhase.value = 'login';
});

/**
 * Asks the API who we are. 401 shows the login page; any other failure lets the app start so that the
 * unavailable banner can explain what is wrong.
 */
export async function checkAuth(): Promise<void> {
  try {
    const me = await api.me();
    currentUser.value = me.user;
    authMode.value = me.auth;
    authPhase.value = 'ready';
  } catch (e) {
    authPhase.value = e instanceof ChatApiError && e.status === 401 ? 'login' : 'ready';
  }
}

/** Logs in with a username and password; the API sets the session cookie. */
export async function login(username: string, password: string): Promise<boolean> {
  loggingIn.value = true;
  loginError.value = null;
  try {
    const me = await api.login(username, password);
    currentUser.value = me.user;
    authMode.value = me.auth;
    authPhase.value = 'ready';
    return true;
  } catch (e) {
    loginError.value =
      e instanceof ChatApiError && e.status === 401
        ? 'Wrong username or password.'
        : e instanceof Error
          ? e.message
          : String(e);
    return false;
  } finally {
    loggingIn.value = false;
  }
}

/** Logs out and returns to the login page. */
export async function logout(): Promise<void> {
  try {
    await api.logout();
  } finally {
    currentUser.value = null;
    authPhase.value = 'login';
  }
}
