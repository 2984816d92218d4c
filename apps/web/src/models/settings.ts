/** Settings: per-session generation settings (saved with the session) and browser-wide preferences. */
import { computed, effect, signal } from '@preact/signals';
import type { GenerationParams, SessionSettings } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { currentSession, upsertSession } from './sessions.js';
import { showError } from './toasts.js';

function readPref<T>(key: string, fallback: T): T {
  try {
    const raw = globalThis.localStorage?.getItem(`chat-studio:${key}`);
    return raw === null || raw === undefined ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

function writePref(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(`chat-studio:${key}`, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the preference lasts for this page only.
  }
}

/** Stream replies token by token (otherwise wait for the whole reply). Defaults to on; kept in localStorage. */
export const streamingEnabled = signal<boolean>(readPref('streaming', true));
effect(() => writePref('streaming', streamingEnabled.value));

/** Whether the settings panel is open. */
export const settingsOpen = signal(false);
/** Values being edited in the panel. */
export const settingsDraft = signal<SessionSettings>({});
export const settingsSaving = signal(false);
/** Settings for the next new chat, used until it is created. */
export const newChatSettings = signal<SessionSettings>({});

/** Settings of the open chat (or of the next new one). */
export const activeSettings = computed<SessionSettings>(() => currentSession.value?.settings ?? newChatSettings.value);

/**
 * The generation parameters a session's settings imply for a send request.
 *
 * @example
 * paramsFromSettings({ temperature: 0.2, speak_replies: true }) // { temperature: 0.2 }
 */
export function paramsFromSettings(settings: SessionSettings): GenerationParams | undefined {
  const { model_id: _model, speak_replies: _speak, ...params } = settings;
  const clean = Object.fromEntries(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as GenerationParams;
  return Object.keys(clean).length > 0 ? clean : undefined;
}

/** Opens the panel with the current values. */
export function openSettings(): void {
  settingsDraft.value = { ...activeSettings.value };
  settingsOpen.value = true;
}

/** Closes the panel without saving. */
export function closeSettings(): void {
  settingsOpen.value = false;
}

/** Changes draft fields; `undefined` removes a field (server default). */
export function updateDraft(patch: Partial<SessionSettings>): void {
  const next: Record<string, unknown> = { ...settingsDraft.value, ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  settingsDraft.value = next as SessionSettings;
}

/** Saves the draft with the session (PATCH settings), or keeps it for the next new chat. */
export async function saveSettings(): Promise<boolean> {
  const session = currentSession.value;
  const draft = settingsDraft.value;
  if (!session) {
    newChatSettings.value = draft;
    settingsOpen.value = false;
    return true;
  }
  settingsSaving.value = true;
  try {
    upsertSession(await api.updateSession(session.id, { settings: draft }));
    settingsOpen.value = false;
    return true;
  } catch (e) {
    showError(e, 'Could not save the settings');
    return false;
  } finally {
    settingsSaving.value = false;
  }
}

/** Turns reading replies aloud on or off for the open chat and saves it right away. */
export async function setSpeakReplies(on: boolean): Promise<void> {
  const session = currentSession.value;
  if (!session) {
    newChatSettings.value = { ...newChatSettings.value, speak_replies: on };
    return;
  }
  try {
    upsertSession(await api.updateSession(session.id, { settings: { ...session.settings, speak_replies: on } }));
  } catch (e) {
    showError(e, 'Could not save the setting');
  }
}
