/** Reading an open chat's history into the model while its user types, so the reply starts sooner. */
import { api } from '../lib/api.js';
import { activeSettings, paramsFromSettings } from './settings.js';
import { currentSessionId } from './sessions.js';

/** The chat last asked for; typing on in it asks nothing more (the server keeps it ready after each reply). */
let askedFor: string | null = null;

/**
 * Asks the server, once per chat opened, to evaluate the chat's history while the user writes the next message
 * (`POST /api/chat/prepare`). Best effort: any failure is the next send's to report.
 *
 * @example
 * <textarea onInput={() => prepareWhileTyping()} />
 */
export function prepareWhileTyping(): void {
  const sessionId = currentSessionId.value;
  if (!sessionId || askedFor === sessionId) return;
  askedFor = sessionId;
  // The same params the send will carry: the system prompt is part of what the model reads.
  // Not retried on failure: a chat that cannot be prepared would otherwise be asked again at every keystroke.
  void api.prepare({ session_id: sessionId, params: paramsFromSettings(activeSettings.value) }).catch(() => undefined);
}

/** The open chat now shows another branch: the next keystroke asks again, so the model reads that branch. */
export function branchChanged(): void {
  askedFor = null;
}
