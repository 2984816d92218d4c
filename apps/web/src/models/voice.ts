/** Voice: dictation into the composer and reading replies aloud. */
import { signal } from '@preact/signals';
import { canDictate, speak, speakableText, startDictation, stopSpeaking } from '../lib/speech.js';
import { composerDraft } from './chat-draft.js';
import { showToast } from './toasts.js';

/** Dictation is possible in this browser (the mic button is hidden otherwise). */
export const dictationSupported = signal(typeof window !== 'undefined' && canDictate());
export const dictating = signal(false);

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
      if (error !== 'aborted' && error !== 'no-speech') showToast({ message: `Dictation stopped: ${error}`, kind: 'error' });
    },
  });
  dictating.value = stopFn !== null;
}

/** Reads a reply aloud (markdown stripped). */
export function readAloud(markdown: string): void {
  speak(speakableText(markdown));
}

export { stopSpeaking };
