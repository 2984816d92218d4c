import { describe, expect, it } from 'vitest';
import { dictationErrorText, speechErrorText } from './voice-errors.js';

describe('voice error sentences', () => {
  it('explains dictation errors in words and stays quiet for deliberate stops', () => {
    expect(dictationErrorText('not-allowed')).toMatch(/^Dictation needs microphone permission\./);
    expect(dictationErrorText('audio-capture')).toMatch(/microphone/);
    expect(dictationErrorText('something-new')).toMatch(/^Dictation stopped because/);
    expect(dictationErrorText('aborted')).toBeNull();
    expect(dictationErrorText('no-speech')).toBeNull();
    for (const code of ['not-allowed', 'network', 'audio-capture', 'x'])
      expect(dictationErrorText(code)).not.toContain(code === 'x' ? 'x:' : `${code}`);
  });
  it('explains read-aloud errors', () => {
    expect(speechErrorText('synthesis-unavailable')).toMatch(/No voice is available/);
    expect(speechErrorText('interrupted')).toBeNull();
  });
});
