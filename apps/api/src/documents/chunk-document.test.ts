import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document.js';
import { chunkProblems } from './test-files.js';
import type { DocumentKind, ExtractedDocument } from './types.js';

function doc(kind: DocumentKind, text: string, pages: number[] | null = null): ExtractedDocument {
  return { kind, text, pages };
}

describe('chunkDocument', () => {
  it('follows Markdown headings, not "#" lines inside fenced code, and splits long sections at paragraphs', () => {
    const paragraph = 'Sessions expire after an hour of inactivity. '.repeat(4).trim();
    const text = [
      'Intro text before any heading.',
      '# Setup',
      '```sh\n# not a heading\npnpm install\n```',
      'Setext title\n============',
      `${paragraph}\n\n${paragraph}\n\n${paragraph}`,
      '## Deep ##',
      'Last words.',
    ].join('\n\n');
    const markdown = doc('markdown', text);
    const chunks = chunkDocument(markdown, { maxChars: 400 });
    expect(chunkProblems(markdown, chunks, 400)).toEqual([]);
    expect(chunks.map((chunk) => chunk.heading)).toEqual([null, 'Setup', 'Setext title', 'Setext title', 'Deep']);
    expect(chunks[1]?.text).toContain('# not a heading');
    expect(chunks[3]?.text).toBe(paragraph);
  });

  it('joins a heading without text of its own to the section below, when both fit', () => {
    const text = '# Guide\n\n## Install\n\n### Linux\n\nRun the script.\n\n## Use\n\nOpen the app.';
    const markdown = doc('markdown', text);
    const joined = chunkDocument(markdown, { maxChars: 100 });
    expect(chunkProblems(markdown, joined, 100)).toEqual([]);
    expect(joined.map((chunk) => [chunk.heading, chunk.text])).toEqual([
      ['Linux', '# Guide\n\n## Install\n\n### Linux\n\nRun the script.'],
      ['Use', '## Use\n\nOpen the app.'],
    ]);
    // Too big together: the bare heading stays alone rather than break the limit.
    const apart = chunkDocument(markdown, { maxChars: 30 });
    expect(chunkProblems(markdown, apart, 30)).toEqual([]);
    expect(apart.map((chunk) => chunk.heading)).toEqual(['Install', 'Linux', 'Use']);
  });

  it('packs top-level code blocks, headed by their declaration', () => {
    const fn = (name: string) => `export function ${name}(a: number): number {\n  const b = a * 2;\n\n  return b;\n}`;
    const text = `import { x } from 'y';\n\n${fn('first')}\n\n${fn('second')}\n\nclass Third {\n  run() {}\n}\n`;
    const code = doc('code', text);
    const chunks = chunkDocument(code, { maxChars: 90 });
    expect(chunkProblems(code, chunks, 90)).toEqual([]);
    expect(chunks.map((chunk) => chunk.heading)).toEqual([
      null,
      'export function first(a: number): number {',
      'export function second(a: number): number {',
      'class Third {',
    ]);
    // The blank line inside a function is not a top-level boundary.
    expect(chunks[1]?.text).toBe(fn('first'));
    // With room, blocks share a chunk.
    expect(chunkDocument(code, { maxChars: 10_000 })).toHaveLength(1);
  });

  it('cuts PDFs by page, long pages at lines', () => {
    const pages = ['one\ntwo', 'x'.repeat(30), 'three'];
    const text = pages.join('\n\n');
    const pdf = doc('pdf', text, [0, 9, 41]);
    const chunks = chunkDocument(pdf, { maxChars: 20 });
    expect(chunkProblems(pdf, chunks, 20)).toEqual([]);
    expect(chunks.map((chunk) => [chunk.page, chunk.text])).toEqual([
      [1, 'one\ntwo'],
      [2, 'x'.repeat(20)],
      [2, 'x'.repeat(10)],
      [3, 'three'],
    ]);
  });

  it('groups CSV rows, repeats the header, and keeps quoted newlines inside their row', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i + 1},"note ${i + 1}\nsecond line"`);
    const text = `id,note\n${rows.join('\n')}\n`;
    const csv = doc('csv', text);
    const chunks = chunkDocument(csv, { maxChars: 80 });
    expect(chunkProblems(csv, chunks, 80)).toEqual([]);
    expect(chunks[0]?.text.startsWith('id,note\n1,"note 1\nsecond line"')).toBe(true);
    for (const chunk of chunks.slice(1)) expect(chunk.text).toMatch(/^id,note\n\d+,"note \d+\nsecond line"/);
    // 24-character rows 10 to 12 fit two to a chunk beside the 8-character header: 80 - 8 = 72 < 3 × 24 + 2.
    expect(chunks.map((chunk) => chunk.heading)).toEqual(['Rows 1–3', 'Rows 4–6', 'Rows 7–9', 'Rows 10–11', 'Row 12']);
  });

  it('reads TSV without quoting', () => {
    const tsv = doc('csv', 'a\tb\n1\t5" screen\n2\tplain\n');
    const chunks = chunkDocument(tsv, { maxChars: 16 });
    expect(chunkProblems(tsv, chunks, 16)).toEqual([]);
    expect(chunks.map((chunk) => chunk.text)).toEqual(['a\tb\n1\t5" screen', 'a\tb\n2\tplain']);
  });

  it('numbers log line groups', () => {
    const log = doc('log', 'a\nb\nc\nd\ne\n');
    expect(chunkDocument(log, { maxChars: 4 }).map((chunk) => [chunk.heading, chunk.text])).toEqual([
      ['Lines 1–2', 'a\nb'],
      ['Lines 3–4', 'c\nd'],
      ['Line 5', 'e'],
    ]);
  });

  it('never splits a surrogate pair, even inside one long word', () => {
    for (const maxChars of [2, 3, 5, 7]) {
      const text = doc('text', `${'😀'.repeat(50)} a${'𝄞'.repeat(9)}`);
      const chunks = chunkDocument(text, { maxChars });
      expect(chunkProblems(text, chunks, maxChars)).toEqual([]);
    }
  });

  it('gives nothing for empty or blank text and refuses a bad maxChars', () => {
    expect(chunkDocument(doc('text', ''), { maxChars: 100 })).toEqual([]);
    expect(chunkDocument(doc('markdown', ' \n\n \n'), { maxChars: 100 })).toEqual([]);
    expect(() => chunkDocument(doc('text', 'x'), { maxChars: 1 })).toThrow(RangeError);
    expect(() => chunkDocument(doc('text', 'x'), { maxChars: 10.5 })).toThrow(/maxChars/);
  });
});
