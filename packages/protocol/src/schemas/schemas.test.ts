import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  ID_PATTERN,
  ListMessagesQuerySchema,
  MessageAroundPageSchema,
  OpenAiChatRequestSchema,
  SearchQuerySchema,
  SendRequestSchema,
  StreamEventSchema,
  appendMessageRequestSchema,
  createSessionRequestSchema,
} from './index.js';

const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('request schemas', () => {
  it('accepts a valid send request and rejects each bad field with its path', () => {
    expect(
      v.is(SendRequestSchema, { session_id: ID, message: 'hi', params: { temperature: 0.7, max_tokens: 10 } }),
    ).toBe(true);
    const bad = [
      [{ session_id: 'nope', message: 'hi' }, 'session_id'],
      [{ session_id: ID, message: '' }, 'message'],
      [{ session_id: ID, message: 'hi', params: { temperature: 3 } }, 'params.temperature'],
      [{ session_id: ID, message: 'hi', params: { top_k: 1.5 } }, 'params.top_k'],
      [{ session_id: ID, message: 'hi', params: { stop: Array(9).fill('x') } }, 'params.stop'],
    ] as const;
    for (const [body, path] of bad) {
      const result = v.safeParse(SendRequestSchema, body);
      expect(result.success, path).toBe(false);
      expect(v.getDotPath(result.issues![0]!), path).toBe(path);
    }
  });

  it('enforces the configurable message limit, default 100,000 characters', () => {
    expect(DEFAULT_LIMITS.maxMessageLength).toBe(100_000);
    const def = appendMessageRequestSchema();
    expect(v.is(def, { role: 'user', content: 'x'.repeat(100_000) })).toBe(true);
    expect(v.is(def, { role: 'user', content: 'x'.repeat(100_001) })).toBe(false);
    const small = appendMessageRequestSchema({ ...DEFAULT_LIMITS, maxMessageLength: 10 });
    expect(v.is(small, { role: 'user', content: 'x'.repeat(11) })).toBe(false);
  });

  it('limits and trims titles', () => {
    const schema = createSessionRequestSchema();
    expect(v.parse(schema, { title: '  Hello  ' }).title).toBe('Hello');
    expect(v.is(schema, { title: 'x'.repeat(DEFAULT_LIMITS.maxTitleLength + 1) })).toBe(false);
  });

  it('parses query strings into numbers and rejects junk', () => {
    expect(v.parse(ListMessagesQuerySchema, { limit: '20', order: 'desc' })).toEqual({ limit: 20, order: 'desc' });
    expect(v.is(ListMessagesQuerySchema, { limit: 'abc' })).toBe(false);
    expect(v.is(ListMessagesQuerySchema, { limit: '0' })).toBe(false);
    expect(v.is(ListMessagesQuerySchema, { cursor: 'a b' })).toBe(false);
    expect(v.parse(SearchQuerySchema, { q: '  NEAR("x" ' }).q).toBe('NEAR("x"');
    expect(v.is(SearchQuerySchema, { q: '   ' })).toBe(false);
  });

  it('takes `around` with a limit only, and describes the around page', () => {
    expect(v.parse(ListMessagesQuerySchema, { around: ID, limit: '100' })).toEqual({ around: ID, limit: 100 });
    expect(v.is(ListMessagesQuerySchema, { around: 'not-an-id' })).toBe(false);
    expect(v.is(ListMessagesQuerySchema, { around: ID, order: 'desc' })).toBe(false);
    expect(v.is(ListMessagesQuerySchema, { around: ID, order: 'asc' })).toBe(false);
    expect(v.is(ListMessagesQuerySchema, { around: ID, cursor: 'abc' })).toBe(false);
    const page = { items: [], next_cursor: 'n', older_cursor: null, newer_cursor: 'n' };
    expect(v.is(MessageAroundPageSchema, page)).toBe(true);
    expect(v.is(MessageAroundPageSchema, { items: [], next_cursor: null })).toBe(false);
  });

  it('ids are ULIDs', () => {
    expect(ID_PATTERN.test(ID)).toBe(true);
    expect(ID_PATTERN.test('01ARZ3NDEKTSV4RRFFQ69G5FAU')).toBe(false); // U is not Crockford base-32
    expect(ID_PATTERN.test('test')).toBe(false);
  });

  it('accepts OpenAI requests with string or text-part content, ignoring unknown fields', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'developer', content: 'be nice' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ],
      logit_bias: { '1': 2 },
      stream: true,
      stream_options: { include_usage: true },
      stop: 'END',
    };
    expect(v.is(OpenAiChatRequestSchema, body)).toBe(true);
    expect(v.is(OpenAiChatRequestSchema, { ...body, messages: [] })).toBe(false);
    expect(v.is(OpenAiChatRequestSchema, { ...body, temperature: 'hot' })).toBe(false);
  });

  it('stream events are a discriminated union', () => {
    expect(v.is(StreamEventSchema, { type: 'token', text: 'a' })).toBe(true);
    expect(v.is(StreamEventSchema, { type: 'token' })).toBe(false);
    expect(v.is(StreamEventSchema, { type: 'nope', text: 'a' })).toBe(false);
  });
});
