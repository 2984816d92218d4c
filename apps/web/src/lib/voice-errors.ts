/** Sentences for the Web Speech API's error codes, so people never see "not-allowed" or "network". */

const DICTATION: Record<string, string> = {
  'not-allowed':
    'Dictation needs microphone permission. Allow the microphone for this site in the browser, then try again.',
  'service-not-allowed': 'This browser does not allow dictation here. Type the message instead.',
  'audio-capture': 'No microphone was found. Connect one, or type the message instead.',
  network: 'Dictation needs the browser’s speech service, which could not be reached. Type the message instead.',
  'language-not-supported': 'Dictation does not support this page’s language in this browser.',
  'bad-grammar': 'Dictation could not start in this browser.',
};

/**
 * A sentence for a dictation error code; `null` for codes that need no message (stopped on purpose, silence).
 *
 * @example
 * dictationErrorText('not-allowed') // 'Dictation needs microphone permission. …'
 */
export function dictationErrorText(code: string): string | null {
  if (code === 'aborted' || code === 'no-speech') return null;
  return DICTATION[code] ?? 'Dictation stopped because of a problem in the browser. Try again, or type the message.';
}

/**
 * A sentence for a read-aloud (speechSynthesis) error code; `null` when reading was stopped on purpose.
 *
 * @example
 * speechErrorText('synthesis-unavailable') // 'No voice is available …'
 */
export function speechErrorText(code: string): string | null {
  if (code === 'canceled' || code === 'interrupted') return null;
  if (code === 'synthesis-unavailable' || code === 'voice-unavailable' || code === 'language-unavailable')
    return 'No voice is available to read this aloud. Install a voice for your system’s language, then try again.';
  if (code === 'not-allowed') return 'The browser blocked reading aloud. Click the button again to allow it.';
  return 'Reading aloud stopped because of a problem in the browser.';
}
