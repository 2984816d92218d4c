import { describe, expect, it } from 'vitest';
import { ChatApiError } from '@chat-studio/protocol';
import { asSentence, humanError } from './error-text.js';

describe('humanError', () => {
  it('uses the field issue message without the schema path, as a sentence with grouped digits', () => {
    const e = new ChatApiError(
      400,
      'validation_error',
      'Invalid request body: message: Message is longer than 100000 characters',
      {
        issues: [{ path: 'message', message: 'Message is longer than 100000 characters' }],
      },
    );
    expect(humanError(e)).toBe('Message is longer than 100,000 characters.');
  });

  it('strips the path prefix when there are no issue details', () => {
    const e = new ChatApiError(400, 'validation_error', 'Invalid request body: title: Title is too long');
    expect(humanError(e)).toBe('Title is too long.');
  });

  it('says the server could not be reached for network failures', () => {
    expect(humanError(new TypeError('Failed to fetch'))).toMatch(/could not be reached/);
  });

  it('keeps other messages, as sentences', () => {
    expect(humanError(new Error('chat is busy'))).toBe('Chat is busy.');
    expect(asSentence('Done!')).toBe('Done!');
  });
});
