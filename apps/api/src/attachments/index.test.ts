import type { AttachmentSummary } from '@chat-studio/protocol';
import { describe, expect, it } from 'vitest';
import {
  checkAcceptedType,
  cleanFileName,
  countFileTokens,
  defaultDocuments,
  EXACT_COUNT_MIN_CHARS,
  fileBlock,
  isAcceptedType,
  planTurn,
  SAMPLE_SLICE_CHARS,
  SAMPLE_SLICES,
  sampleText,
  uploadAttachment,
  type AttachmentChunkHit,
  type PlanDeps,
} from './index.js';
import { DEFAULT_ATTACHMENT_TYPES } from '../config/index.js';
import { makeLog } from '../documents/test-files.js';

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

/** A tokenizer stand-in: one token per word or punctuation run, and every text length it was asked about. */
function recordingCounter() {
  const lengths: number[] = [];
  const count = (text: string): number => {
    lengths.push(text.length);
    return text.match(/\w+|[^\w\s]+/g)?.length ?? 0;
  };
  return { count, lengths };
}

describe('countFileTokens', () => {
  it('counts a text that could fit exactly, and a longer one from a sample within 2%', () => {
    const { count, lengths } = recordingCounter();
    expect(countFileTokens(count, 'a short file.', 100)).toEqual({ tokens: 4, kind: 'exact' });
    const log = makeLog(2 * 1024 * 1024);
    const estimate = countFileTokens(count, log, 2048);
    const exact = count(log);
    expect(estimate?.kind).toBe('sampled');
    expect(Math.abs((estimate?.tokens ?? 0) - exact) / exact).toBeLessThan(0.02);
    // The sample is one call of at most SAMPLE_SLICES slices.
    expect(lengths[1]).toBeLessThanOrEqual(SAMPLE_SLICES * SAMPLE_SLICE_CHARS);
    expect(countFileTokens(() => null, log, 2048)).toBeNull();
  });

  it('counts exactly whatever could fit a large context at 8 characters a token', () => {
    const text = 'word '.repeat(40_000);
    expect(countFileTokens(recordingCounter().count, text, 32_768)?.kind).toBe('exact');
    expect(countFileTokens(recordingCounter().count, text, 1024)?.kind).toBe('sampled');
    expect(text.length).toBeGreaterThan(EXACT_COUNT_MIN_CHARS);
  });

  it('never cuts a surrogate pair in its sample', () => {
    const sample = sampleText('😀'.repeat(50_000));
    expect(sample.length % 2).toBe(0);
    expect(sample).toBe('😀'.repeat(sample.length / 2));
  });
});

// Issue #17's defect: a 5 MiB upload was tokenized whole through the llama.cpp worker's synchronous bridge (5–7 s with
// the test model, the main thread waiting), and a second upload's count queued behind the first's or behind the
// worker's embedding. The upload and the first turn now hand the tokenizer a bounded sample, whatever the file's size.
describe('a large upload asks the tokenizer about a bounded text', () => {
  const log = makeLog(5 * 1024 * 1024);

  it('counts a 5 MiB log on a sample, sizes its chunks from it and marks it chunked', async () => {
    const { count, lengths } = recordingCounter();
    const created: { tokens: number | null; chunks: number; chunked: boolean }[] = [];
    const summary = await uploadAttachment(
      {
        store: {
          create: async (_user, input) => {
            created.push({ tokens: input.tokens, chunks: input.chunks.length, chunked: input.chunked });
            return {
              ...summaryOf(input.name, input.tokens),
              chunked: input.chunked,
            };
          },
        },
        documents: defaultDocuments,
        config: { maxFileBytes: 20 * 1024 * 1024, quotaBytes: 500 * 1024 * 1024, types: [...DEFAULT_ATTACHMENT_TYPES] },
        countTokens: count,
        contextSize: () => 2048,
      },
      'u',
      { name: 'app.log', mime: 'text/plain', bytes: new TextEncoder().encode(log) },
    );
    expect(Math.max(...lengths)).toBeLessThanOrEqual(SAMPLE_SLICES * SAMPLE_SLICE_CHARS);
    const exact = count(log);
    expect(Math.abs((created[0]?.tokens ?? 0) - exact) / exact).toBeLessThan(0.02);
    expect(created[0]?.chunked).toBe(true);
    expect(created[0]?.chunks).toBeGreaterThan(100);
    expect(summary.chunked).toBe(true);
  });

  it('counts a file the upload could not count (no model then) on a sample at its first turn', async () => {
    const { count, lengths } = recordingCounter();
    const counted = new Map<string, number>();
    await planTurn(
      {
        store: {
          text: async () => ({ text: log, chunks: [] }),
          setTokens: async (_user, id, tokens) => void counted.set(id, tokens),
          searchChunks: async () => [],
          firstChunks: async () => [],
        },
        countTokens: count,
        contextSize: () => 2048,
      },
      { userId: 'u', history: [], message: 'which requests failed?', attachments: [summary(ID_A, 'app.log', null)] },
    );
    expect(Math.max(...lengths)).toBeLessThanOrEqual(SAMPLE_SLICES * SAMPLE_SLICE_CHARS);
    expect(counted.get(ID_A)).toBeGreaterThan(1_000_000);
  });
});

function summaryOf(name: string, tokens: number | null): AttachmentSummary {
  return { ...summary(ID_A, name, tokens), state: 'indexing' };
}
