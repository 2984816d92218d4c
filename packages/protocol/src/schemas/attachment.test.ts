import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../errors/index.js';
import { AttachmentSummarySchema, ChatMessageSchema, editMessageRequestSchema, sendRequestSchema } from './index.js';

const ID = '01JDQ7X3Y5Z8A9B0C1D2E3F4G5';
const ID2 = '01JDQ7X3Y5Z8A9B0C1D2E3F4G6';

describe('attachment protocol', () => {
  it('maps the attachment error codes to their statuses', () => {
    expect(ERROR_STATUS.attachment_too_large).toBe(413);
    expect(ERROR_STATUS.attachment_unsupported).toBe(415);
    expect(ERROR_STATUS.attachment_unreadable).toBe(422);
    expect(ERROR_STATUS.attachment_quota_exceeded).toBe(413);
    expect(ERROR_STATUS.attachment_not_found).toBe(404);
  });

  it('carries attachments through the send schema, and refuses duplicates and bad ids', () => {
    const schema = sendRequestSchema();
    const parsed = v.parse(schema, { session_id: ID, message: 'hi', attachments: [ID2] });
    expect(parsed.attachments).toEqual([ID2]);
    expect(v.parse(schema, { session_id: ID, message: 'hi' })).not.toHaveProperty('attachments');
    expect(v.safeParse(schema, { session_id: ID, message: 'hi', attachments: [ID2, ID2] }).success).toBe(false);
    expect(v.safeParse(schema, { session_id: ID, message: 'hi', attachments: ['nope'] }).success).toBe(false);
    expect(v.parse(editMessageRequestSchema(), { content: 'x', attachments: [ID] }).attachments).toEqual([ID]);
  });

  it('lets a message carry attachment summaries and sources', () => {
    const summary = {
      id: ID2,
      name: 'notes.md',
      mime: 'text/markdown',
      size: 10,
      sha256: 'a'.repeat(64),
      tokens: null,
      state: 'ready',
      chunked: false,
      message_id: ID,
      created_at: '2026-12-03T00:00:00.000Z',
    };
    expect(v.parse(AttachmentSummarySchema, summary)).toEqual(summary);
    // A chunked file being indexed carries its progress, and why it stopped when it is `error`.
    const indexing = {
      ...summary,
      state: 'error',
      chunked: true,
      index: { chunks: 9, embedded: 4, reason: 'No model' },
    };
    expect(v.parse(AttachmentSummarySchema, indexing)).toEqual(indexing);
    expect(() => v.parse(AttachmentSummarySchema, { ...summary, index: { chunks: 9 } })).toThrow();
    const message = v.parse(ChatMessageSchema, {
      id: ID,
      session_id: ID,
      parent_id: null,
      role: 'user',
      content: 'hi',
      created_at: '2026-12-03T00:00:00.000Z',
      status: 'complete',
      model_id: null,
      prompt_tokens: null,
      completion_tokens: null,
      time_to_first_token_ms: null,
      tokens_per_second: null,
      finish_reason: null,
      attachments: [summary],
      sources: [{ attachment_id: ID2, name: 'notes.md', ordinal: 0, heading: null, page: null, start: 0, end: 5 }],
    });
    expect(message.attachments?.[0]?.name).toBe('notes.md');
  });
});
