/** Voice: dictation into the composer and reading replies aloud. */
import { signal } from '@preact/signals';
import {
  canDictate,
  hasVoices,
  onVoicesChanged,
  speak,
  speakableText,
  startDictation,
  stopSpeaking,
} from '../lib/speech.js';
import { dictationErrorText, speechErrorText } from '../lib/voice-errors.js';
import { composerDraft } from './chat-draft.js';
import { showToast } from './toasts.js';

/** Dictation is possible in this browser (the mic button is hidden otherwise). */
export const dictationSupported = signal(typeof window !== 'undefined' && canDictate());
export const dictating = signal(false);
/** The browser has a voice to read replies aloud (the read-aloud button is hidden otherwise). */
export const voiceAvailable = signal(typeof window !== 'undefined' && hasVoices());
if (typeof window !== 'undefined') onVoicesChanged(() => (voiceAvailable.value = hasVoices()));

let stopFn: (() => void) | null = null;

/** Starts or stops dictation; recognized text is appended to the composer. */
export function toggleDictation(): void {
  if (stopFn) {
    stopFn();
    stopFn = null;
    dictating.value = false;
    return;
  }
  stopFn = startDictation({
    onText: (text) => {
      const d = composerDraft.value;
      composerDraft.value = d && !/\s$/.test(d) ? `${d} ${text.trim()}` : d + text.trim();
    },
    onEnd: () => {
      stopFn = null;
      dictating.value = false;
    },
    onError: (error) => {
      const message = dictationErrorText(error);
      if (message) showToast({ message, kind: 'error', timeoutMs: 8000 });
    },
  });
  dictating.value = stopFn !== null;
}

/** Reads a reply aloud (markdown stripped). */
export function readAloud(markdown: string): void {
  speak(speakableText(markdown), (code) => {
    const message = speechErrorText(code);
    if (message) showToast({ message, kind: 'error', timeoutMs: 8000 });
  });
}

export { stopSpeaking };
