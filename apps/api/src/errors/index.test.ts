/** Errors map to HTTP on their `code` only: the class name means nothing, a driver's code is not a protocol code. */
import { describe, expect, it } from 'vitest';
import {
  ChatUnavailableError,
  InputTooLongError,
  QueueFullError,
  UnsupportedRequestError,
} from '@chat-studio/llm-runtime';
import { DatabaseBusyError, DuplicateError, InvalidCursorError } from '@chat-studio/chat-store';
import { RateLimitedError } from '@chat-studio/security';
import { ApiError, codeOf, describeError } from './index.js';

class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('describeError', () => {
  it('maps on the code whatever the class is called', () => {
    const renamed = new CodedError('queue_full', 'queue is full');
    renamed.name = 'SomethingElse';
    expect(describeError(renamed)).toMatchObject({ status: 503, code: 'queue_full' });
    // A name that used to be mapped means nothing without a code.
    const named = new Error('no code');
    named.name = 'QueueFullError';
    expect(describeError(named)).toMatchObject({
      status: 500,
      code: 'internal_error',
      message: 'Internal server error',
    });
  });

  it('ignores codes that are not protocol codes (driver and system errors)', () => {
    expect(codeOf(new CodedError('SQLITE_BUSY', 'busy'))).toBeUndefined();
    expect(codeOf(new CodedError('ECONNREFUSED', 'refused'))).toBeUndefined();
    expect(codeOf(new CodedError('toString', 'prototype key'))).toBeUndefined();
    expect(describeError(new CodedError('ECONNREFUSED', 'x'))).toMatchObject({ status: 500, code: 'internal_error' });
  });

  it("every package's errors carry their code and keep their wire code, retry time, message and param", () => {
    expect(describeError(new ChatUnavailableError('no model loaded'))).toMatchObject({
      status: 503,
      code: 'chat_unavailable',
      message: 'Chat service is not available: no model loaded',
    });
    expect(describeError(new QueueFullError(4, 7))).toMatchObject({
      status: 503,
      code: 'queue_full',
      headers: { 'Retry-After': '7' },
    });
    expect(describeError(new QueueFullError(4, 7)).message).toMatch(/^Chat service is busy: /);
    expect(describeError(new UnsupportedRequestError('tools', 'no tools here'))).toMatchObject({
      status: 400,
      code: 'validation_error',
      details: { param: 'tools' },
    });
    expect(describeError(new InputTooLongError(0, 900, 512))).toMatchObject({ status: 400, code: 'validation_error' });
    expect(describeError(new InvalidCursorError())).toMatchObject({ status: 400, code: 'validation_error' });
    expect(describeError(new DatabaseBusyError(3))).toMatchObject({
      status: 503,
      code: 'database_busy',
      headers: { 'Retry-After': '3' },
    });
    expect(describeError(new DuplicateError('taken'))).toMatchObject({ status: 409, code: 'conflict' });
    expect(describeError(new RateLimitedError(2))).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(describeError(new ApiError('not_found', 'Session not found'))).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'Session not found',
    });
  });
});
