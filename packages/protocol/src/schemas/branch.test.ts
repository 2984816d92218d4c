import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  ChatMessageSchema,
  EditMessageRequestSchema,
  RegenerateRequestSchema,
  SwitchBranchRequestSchema,
} from './index.js';

const ID = '01JDQ7X3Y5Z8A9B0C1D2E3F4G5';

describe('branch schemas', () => {
  it('accept what the routes take', () => {
    expect(v.parse(SwitchBranchRequestSchema, { message_id: ID })).toEqual({ message_id: ID });
    expect(v.parse(EditMessageRequestSchema, { content: 'new text', params: { max_tokens: 5 } })).toMatchObject({
      content: 'new text',
    });
    expect(v.parse(RegenerateRequestSchema, {})).toEqual({});
  });

  it('refuse unknown fields, empty edits and bad ids, naming the field', () => {
    const unknown = v.safeParse(RegenerateRequestSchema, { temperature: 2 });
    expect(unknown.success).toBe(false);
    expect(v.getDotPath(unknown.issues![0]!)).toBe('temperature');
    expect(v.safeParse(EditMessageRequestSchema, { content: '' }).success).toBe(false);
    expect(v.safeParse(SwitchBranchRequestSchema, { message_id: 'nope' }).success).toBe(false);
  });

  it('a message carries its parent, and a branch listing its place among siblings', () => {
    const base = {
      id: ID,
      session_id: ID,
      role: 'user',
      content: 'x',
      created_at: '2026-12-01T00:00:00.000Z',
      status: 'complete',
      model_id: null,
      prompt_tokens: null,
      completion_tokens: null,
      time_to_first_token_ms: null,
      tokens_per_second: null,
      finish_reason: null,
    };
    expect(v.safeParse(ChatMessageSchema, base).success).toBe(false);
    expect(
      v.parse(ChatMessageSchema, { ...base, parent_id: null, sibling_position: 2, sibling_count: 3 }),
    ).toMatchObject({ sibling_position: 2 });
  });
});
