import type { AttachmentSummary } from '@chat-studio/protocol';
import { describe, expect, it } from 'vitest';
import {
  checkAcceptedType,
  cleanFileName,
  fileBlock,
  isAcceptedType,
  planTurn,
  type AttachmentChunkHit,
  type PlanDeps,
} from './index.js';
import { DEFAULT_ATTACHMENT_TYPES } from '../config/index.js';

const ID_A = '01JDQ7X3Y5Z8A9B0C1D2E3F4GA';
const ID_B = '01JDQ7X3Y5Z8A9B0C1D2E3F4GB';

function summary(id: string, name: string, tokens: number | null): AttachmentSummary {
  return {
    id,
    name,
    mime: 'text/plain',
    size: 1,
    sha256: '0'.repeat(64),
    tokens,
    state: 'ready',
    chunked: false,
    message_id: null,
    created_at: '2026-12-03T00:00:00.000Z',
  };
}

/** A store with two files: a short one, and a long one in three chunks. Counts one token per word. */
function fakeDeps(context: number): PlanDeps & { counted: Map<string, number> } {
  const chunk = (ordinal: number, text: string): AttachmentChunkHit => ({
    attachment_id: ID_B,
    name: 'big.md',
    ordinal,
    start: ordinal * 100,
    end: ordinal * 100 + text.length,
    heading: `Part ${ordinal}`,
    page: null,
    text,
    rank: -ordinal,
  });
  const chunks = [chunk(0, 'intro words here'), chunk(1, 'the login test is flaky'), chunk(2, 'closing notes')];
  const texts = new Map([
    [ID_A, { text: 'short file text', chunks: [] }],
    [ID_B, { text: chunks.map((c) => c.text).join(' '), chunks: chunks.map(({ text: _t, ...info }) => info) }],
  ]);
  const counted = new Map<string, number>();
  return {
    counted,
    store: {
      text: async (_user, id) => texts.get(id),
      setTokens: async (_user, id, tokens) => void counted.set(id, tokens),
      searchChunks: async (_user, { query }) => chunks.filter((c) => query.split(' ').some((w) => c.text.includes(w))),
      firstChunks: async (_user, _id, limit) => chunks.slice(0, limit),
    },
    countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
    contextSize: () => context,
  };
}

describe('planTurn', () => {
  it('puts a file that fits whole before the user text, and counts tokens it did not know', async () => {
    const deps = fakeDeps(1000);
    const plan = await planTurn(deps, {
      userId: 'u',
      history: [],
      message: 'summarise',
      attachments: [summary(ID_A, 'notes.txt', null)],
    });
    expect(plan.messages).toEqual([
      { role: 'user', content: `${fileBlock('notes.txt', 'short file text')}\n\nsummarise` },
    ]);
    expect(plan.sources).toEqual([]);
    expect(deps.counted.get(ID_A)).toBe(3);
  });

  it('retrieves the matching chunks of a file that does not fit and lists them as sources', async () => {
    const deps = fakeDeps(20);
    const plan = await planTurn(deps, {
      userId: 'u',
      history: [{ role: 'user', content: 'earlier' }],
      message: 'why is login flaky',
      attachments: [summary(ID_B, 'big.md', 500)],
    });
    const last = plan.messages.at(-1)?.content ?? '';
    expect(last).toContain('<file name="big.md" part="2" heading="Part 1">\nthe login test is flaky\n</file>');
    expect(last.endsWith('why is login flaky')).toBe(true);
    expect(plan.messages[0]).toEqual({ role: 'user', content: 'earlier' });
    expect(plan.sources).toEqual([
      { attachment_id: ID_B, name: 'big.md', ordinal: 1, heading: 'Part 1', page: null, start: 100, end: 123 },
    ]);
  });

  it('for a preload (chunks: false) writes the blocks of files that fit and retrieves no chunk', async () => {
    const deps = fakeDeps(60);
    const plan = await planTurn(deps, {
      userId: 'u',
      history: [],
      message: '',
      attachments: [summary(ID_A, 'notes.txt', 3), summary(ID_B, 'big.md', 500)],
      chunks: false,
    });
    // The start of the next user turn: what a send with these files writes before the user's words.
    expect(plan.messages).toEqual([{ role: 'user', content: `${fileBlock('notes.txt', 'short file text')}\n\n` }]);
    expect(plan.sources).toEqual([]);
  });

  it('keeps files of earlier messages in their own turn', async () => {
    const deps = fakeDeps(1000);
    const plan = await planTurn(deps, {
      userId: 'u',
      history: [
        { role: 'user', content: 'read this', attachments: [summary(ID_A, 'notes.txt', 3)] },
        { role: 'assistant', content: 'done' },
      ],
      message: 'and now?',
      attachments: [],
    });
    expect(plan.messages[0]?.content).toContain('<file name="notes.txt">');
    expect(plan.messages[2]).toEqual({ role: 'user', content: 'and now?' });
  });
});

describe('accepted types', () => {
  it('accepts the document family by type or suffix, and refuses images and the rest with a code', () => {
    expect(isAcceptedType('a.md', '', DEFAULT_ATTACHMENT_TYPES)).toBe(true);
    expect(isAcceptedType('a.bin', 'text/x-log; charset=utf-8', DEFAULT_ATTACHMENT_TYPES)).toBe(true);
    expect(isAcceptedType('report.pdf', 'application/pdf', DEFAULT_ATTACHMENT_TYPES)).toBe(true);
    expect(isAcceptedType('a.exe', 'application/x-msdownload', DEFAULT_ATTACHMENT_TYPES)).toBe(false);
    expect(() => checkAcceptedType('cat.png', 'image/png', ['image/*'])).toThrow(
      expect.objectContaining({ code: 'attachment_unsupported', message: expect.stringMatching(/cannot see images/) }),
    );
    expect(() => checkAcceptedType('a.exe', 'application/x-msdownload', ['text/*'])).toThrow(
      expect.objectContaining({ code: 'attachment_unsupported' }),
    );
  });

  it('stores names without folders or control characters', () => {
    expect(cleanFileName('C:\\Users\\me\\notes.md')).toBe('notes.md');
    expect(cleanFileName('a\u0000b.txt')).toBe('ab.txt');
    expect(cleanFileName('')).toBe('file');
  });
});
