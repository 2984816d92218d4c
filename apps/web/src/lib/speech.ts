/** Thin wrappers over the Web Speech API: dictation (SpeechRecognition) and reading aloud (speechSynthesis). */

interface RecognitionResultEvent {
  resultIndex: number;
  results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }>;
}

interface Recognition {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  onresult: ((e: RecognitionResultEvent) => void) | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}

type RecognitionCtor = new () => Recognition;

function recognitionCtor(): RecognitionCtor | null {
  const g = globalThis as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return g.SpeechRecognition ?? g.webkitSpeechRecognition ?? null;
}

/** True where the browser can dictate (Chrome, Edge, Safari). */
export function canDictate(): boolean {
  return recognitionCtor() !== null;
}

/** True where the browser can read text aloud. */
export function canSpeak(): boolean {
  return (
    typeof globalThis.speechSynthesis !== 'undefined' && typeof globalThis.SpeechSynthesisUtterance !== 'undefined'
  );
}

/** Callbacks for {@link startDictation}. */
export interface DictationOptions {
  /** Final text of each recognized phrase. */
  onText: (text: string) => void;
  /** Called once recognition stopped for any reason. */
  onEnd: () => void;
  onError?: (error: string) => void;
  /** BCP 47 language. Defaults to the page language or the browser's. */
  lang?: string;
}

/**
 * Starts dictation; returns a function that stops it, or `null` where unsupported.
 *
 * @example
 * const stop = startDictation({ onText: (t) => (draft.value += t), onEnd: () => (listening.value = false) });
 */
export function startDictation(options: DictationOptions): (() => void) | null {
  const Ctor = recognitionCtor();
  if (!Ctor) return null;
  const rec = new Ctor();
  rec.lang = options.lang ?? (document.documentElement.lang || navigator.language);
  rec.continuous = true;
  rec.interimResults = false;
  rec.onresult = (e) => {
    for (let i = e.resultIndex; i < e.results.length; i++) {
      const result = e.results[i]!;
      if (result.isFinal && result[0]) options.onText(result[0].transcript);
    }
  };
  rec.onerror = (e) => options.onError?.(e.error);
  rec.onend = () => options.onEnd();
  rec.start();
  return () => rec.stop();
}

/**
 * True when the browser has at least one voice. Voices often arrive after load: call again on `voiceschanged`.
 *
 * @example
 * onVoicesChanged(() => (hasVoice.value = hasVoices()));
 */
export function hasVoices(): boolean {
  return canSpeak() && speechSynthesis.getVoices().length > 0;
}

/** Calls `listener` whenever the browser's list of voices changes. */
export function onVoicesChanged(listener: () => void): void {
  if (canSpeak()) speechSynthesis.addEventListener('voiceschanged', listener);
}

/**
 * Reads text aloud, cancelling anything still being read; `onError` gets the error code when it fails.
 *
 * @example
 * speak('Hello there');
 */
export function speak(text: string, onError?: (code: string) => void): void {
  if (!canSpeak() || !text.trim()) return;
  speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  if (onError) utterance.onerror = (e) => onError(e.error);
  speechSynthesis.speak(utterance);
}

/** Stops reading aloud. */
export function stopSpeaking(): void {
  if (canSpeak()) speechSynthesis.cancel();
}

/**
 * Markdown reduced to what should be spoken: no code blocks, no markup characters.
 *
 * @example
 * speakableText('**Hi** `x`\n```js\ncode\n```') // 'Hi x'
 */
export function speakableText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>~|]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
