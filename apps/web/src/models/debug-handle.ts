/**
 * `window.chatStudio`: a small, documented handle for the browser console (docs/troubleshooting.md, "Frontend"),
 * so `chatStudio.currentSessionId` answers what the guide's `console.log(currentSessionId)` asked.
 */
import pkg from '../../package.json' with { type: 'json' };
import { currentSessionId } from './sessions.js';

/** What the console sees; read-only getters over the app's live state. */
export interface ChatStudioDebugHandle {
  /** The web app's version (apps/web/package.json). */
  readonly version: string;
  /** The open chat's id, or null on a new chat (the same id is in the address: `#/chat/<id>`). */
  readonly currentSessionId: string | null;
}

declare global {
  interface Window {
    chatStudio?: ChatStudioDebugHandle;
  }
}

/** Puts the handle on `window` once. */
export function installDebugHandle(target: Window): ChatStudioDebugHandle {
  const handle: ChatStudioDebugHandle = Object.freeze({
    version: pkg.version,
    get currentSessionId() {
      return currentSessionId.value;
    },
  });
  Object.defineProperty(target, 'chatStudio', { value: handle, configurable: true, enumerable: false });
  return handle;
}

if (typeof window !== 'undefined') installDebugHandle(window);
