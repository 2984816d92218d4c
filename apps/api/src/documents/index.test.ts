import { afterAll, describe, expect, it } from 'vitest';
import { describeError } from '../errors/index.js';
import {
  AttachmentUnreadableError,
  AttachmentUnsupportedError,
  chunkDocument,
  closeExtractionWorkers,
  extractDocument,
} from './index.js';
import { chunkProblems, makeDocx, makeLog, makePdf, utf8 } from './test-files.js';

afterAll(closeExtractionWorkers);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe('extractDocument', () => {
  it('reads a generated PDF page by page, recording where each page starts', async () => {
    const doc = await extractDocument(await makePdf(3, 5), { name: 'report.pdf', mime: 'application/pdf' });
    expect(doc.kind).toBe('pdf');
    expect(doc.pages).toHaveLength(3);
    for (const [index, start] of (doc.pages ?? []).entries())
      expect(doc.text.slice(start)).toMatch(new RegExp(`^Page ${index + 1} line 0 of the quarterly report`));
    const chunks = chunkDocument(doc, { maxChars: 200 });
    expect(chunkProblems(doc, chunks, 200)).toEqual([]);
    expect(new Set(chunks.map((chunk) => chunk.page))).toEqual(new Set([1, 2, 3]));
  });

  it('reads a generated DOCX with its headings, list and table', async () => {
    const doc = await extractDocument(await makeDocx(), { name: 'notes.docx', mime: '' });
    expect(doc).toMatchObject({ kind: 'docx', pages: null });
    expect(doc.text).toMatch(/^# Chat Studio\n\n# Release notes\n\nVersion 2 fixes the flaky login test\./);
    expect(doc.text).toContain('## Known issues');
    expect(doc.text).toContain('- Exports over 2 GB are slow.\n- Search misses accents.');
    expect(doc.text).toContain('Platform | Status\nLinux | Supported');
    const chunks = chunkDocument(doc, { maxChars: 500 });
    // The title has no text of its own: it joins the section below it.
    expect(chunks.map((chunk) => chunk.heading)).toEqual(['Release notes', 'Known issues']);
    expect(chunks[0]?.text.startsWith('# Chat Studio\n\n# Release notes')).toBe(true);
  });

  it('reads HTML without scripts, styles or hidden parts, keeping headings', async () => {
    const html =
      '<!doctype html><html><head><title>Ignored</title><style>h1{color:red}</style></head><body>' +
      '<script>alert("no")</script><h1>Login &amp; sessions</h1><p>Tokens <b>expire</b> after an hour.</p>' +
      '<div hidden>secret</div><noscript>enable js</noscript><h2>Refresh</h2><p>Use the refresh token.</p></body></html>';
    const doc = await extractDocument(utf8(html), { name: 'page.html', mime: 'text/html' });
    expect(doc.text).toBe('# Login & sessions\n\nTokens expire after an hour.\n\n## Refresh\n\nUse the refresh token.');
    expect(chunkDocument(doc, { maxChars: 1000 }).map((chunk) => chunk.heading)).toEqual([
      'Login & sessions',
      'Refresh',
    ]);
  });

  it('reads CSV, JSON, Markdown and code as written', async () => {
    const csv = 'name,note\nada,"line one\nline two"\nbob,plain\n';
    expect(await extractDocument(utf8(csv), { name: 'people.csv', mime: 'text/csv' })).toEqual({
      kind: 'csv',
      text: csv,
      pages: null,
    });
    const json = '{"a": [1, 2, {"b": "ü"}]}';
    expect(await extractDocument(utf8(json), { name: 'data', mime: 'application/json' })).toMatchObject({
      kind: 'json',
      text: json,
    });
    expect((await extractDocument(utf8('# Hi\n'), { name: 'README.md', mime: '' })).kind).toBe('markdown');
    expect((await extractDocument(utf8('def f():\n  pass\n'), { name: 'a.py', mime: '' })).kind).toBe('code');
  });

  it('reads a 5 MB log and chunks it into numbered line groups', async () => {
    const log = makeLog(5 * 1024 * 1024);
    const doc = await extractDocument(utf8(log), { name: 'server.log', mime: 'text/plain' });
    expect(doc).toMatchObject({ kind: 'log', pages: null });
    expect(doc.text).toBe(log);
    const chunks = chunkDocument(doc, { maxChars: 4000 });
    expect(chunkProblems(doc, chunks, 4000)).toEqual([]);
    const last = chunks.at(-1);
    expect(last?.heading).toBe(
      `Lines ${log.slice(0, last?.start).split('\n').length}–${log.trimEnd().split('\n').length}`,
    );
    for (const chunk of chunks) expect(chunk.text.endsWith(' ms')).toBe(true);
  });

  it('reads UTF-8, UTF-16 and, failing UTF-8, Windows-1252 text', async () => {
    const file = { name: 'notes.txt', mime: 'text/plain' };
    expect((await extractDocument(utf8('\uFEFFnaïve café 😀\r\nnext'), file)).text).toBe('naïve café 😀\nnext');
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'héllo'].flatMap((char) => [char.charCodeAt(0), 0])]);
    expect((await extractDocument(utf16, file)).text).toBe('héllo');
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35]); // "café €5" in Windows-1252
    expect((await extractDocument(latin1, file)).text).toBe('café €5');
  });

  it('refuses a PNG, whatever its name, saying images need a vision model', async () => {
    for (const file of [
      { name: 'shot.png', mime: 'image/png' },
      { name: 'shot.md', mime: 'text/markdown' },
    ]) {
      const error = await extractDocument(PNG, file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AttachmentUnsupportedError);
      expect(error).toMatchObject({ code: 'attachment_unsupported', message: expect.stringMatching(/vision model/) });
    }
  });

  it('refuses a PDF without a text layer, as scanned pages are images', async () => {
    const error = await extractDocument(await makePdf(2, 0), { name: 'scan.pdf', mime: '' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(AttachmentUnsupportedError);
    expect((error as Error).message).toMatch(/scan\.pdf has no text layer.*vision model/);
  });

  it('refuses a truncated PDF and a truncated DOCX as unreadable', async () => {
    const pdf = await makePdf(2, 5);
    const docx = await makeDocx();
    for (const [bytes, name] of [
      [pdf.slice(0, Math.floor(pdf.length / 2)), 'cut.pdf'],
      [docx.slice(0, Math.floor(docx.length / 2)), 'cut.docx'],
    ] as const) {
      const error = await extractDocument(bytes, { name, mime: '' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AttachmentUnreadableError);
      expect(error).toMatchObject({ code: 'attachment_unreadable', message: expect.stringContaining(name) });
    }
  });

  it('maps its errors to 415 and 422 through the one API error mapper', () => {
    expect(describeError(new AttachmentUnsupportedError('a.png is an image.'))).toMatchObject({
      status: 415,
      code: 'attachment_unsupported',
      message: 'a.png is an image.',
    });
    expect(describeError(new AttachmentUnreadableError('cut.pdf is damaged.'))).toMatchObject({
      status: 422,
      code: 'attachment_unreadable',
    });
  });
});
