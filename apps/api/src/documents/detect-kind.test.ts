import { describe, expect, it } from 'vitest';
import { ACCEPTED_TYPES, detectKind, extensionOf } from './detect-kind.js';
import { AttachmentUnreadableError, AttachmentUnsupportedError } from './errors.js';
import { utf8 } from './test-files.js';

const text = utf8('hello\n');
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
const GZIP = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);

function refusal(name: string, mime: string, bytes: Uint8Array): unknown {
  try {
    detectKind(name, mime, bytes);
  } catch (error) {
    return error;
  }
  return null;
}

describe('detectKind', () => {
  it('reads text kinds by extension, special names, then MIME type', () => {
    expect(detectKind('notes.txt', '', text)).toBe('text');
    expect(detectKind('README.MD', '', text)).toBe('markdown');
    expect(detectKind('src/app.tsx', '', text)).toBe('code');
    expect(detectKind('Dockerfile', '', text)).toBe('code');
    expect(detectKind('icon.svg', 'image/svg+xml', utf8('<svg/>'))).toBe('code');
    expect(detectKind('table.tsv', '', text)).toBe('csv');
    expect(detectKind('events.ndjson', '', text)).toBe('json');
    expect(detectKind('server.log.3', '', text)).toBe('log');
    expect(detectKind('page.htm', '', text)).toBe('html');
    expect(detectKind('blob', 'text/csv; charset=utf-8', text)).toBe('csv');
    expect(detectKind('blob', 'application/octet-stream', text)).toBe('text');
    expect(detectKind('empty.txt', 'text/plain', new Uint8Array())).toBe('text');
  });

  it('lets the bytes overrule the name: a PDF named .txt is a PDF, a JPEG named .md an image', () => {
    expect(detectKind('renamed.txt', 'text/plain', utf8('%PDF-1.7\n...'))).toBe('pdf');
    // A header after some junk counts only for a file that says it is a PDF; a note quoting one is text.
    expect(detectKind('mailed.pdf', '', utf8('junk\r\n%PDF-1.4\n...'))).toBe('pdf');
    expect(detectKind('notes.md', '', utf8('PDFs start with %PDF-1.7\n'))).toBe('markdown');
    expect(detectKind('report.docx', '', ZIP)).toBe('docx');
    expect(refusal('photo.md', 'text/markdown', JPEG)).toBeInstanceOf(AttachmentUnsupportedError);
  });

  it('refuses images, saying a vision model is needed', () => {
    for (const [name, mime, bytes] of [
      ['photo.jpg', 'image/jpeg', JPEG],
      ['photo.heic', '', text],
      ['blob', 'image/webp', text],
    ] as const) {
      const error = refusal(name, mime, bytes);
      expect(error).toBeInstanceOf(AttachmentUnsupportedError);
      expect((error as Error).message).toMatch(/image.*vision model, which Chat Studio does not have yet/);
    }
  });

  it('refuses other binaries and non-DOCX office files with what to do', () => {
    expect((refusal('archive.tar.gz', '', GZIP) as Error).message).toMatch(/binary file/);
    expect((refusal('data.bin', '', new Uint8Array([104, 105, 0, 1])) as Error).message).toMatch(/binary file/);
    expect((refusal('sheet.xlsx', '', ZIP) as Error).message).toMatch(/save it as DOCX, PDF or plain text/);
  });

  it('calls a PDF or DOCX that is not one unreadable', () => {
    expect(refusal('broken.pdf', '', text)).toBeInstanceOf(AttachmentUnreadableError);
    expect(refusal('broken.docx', '', text)).toBeInstanceOf(AttachmentUnreadableError);
  });

  it('reads UTF-16 with a byte order mark as text despite its NUL bytes', () => {
    expect(detectKind('u16.txt', '', new Uint8Array([0xff, 0xfe, 104, 0, 105, 0]))).toBe('text');
  });

  it('lists what it accepts and finds extensions', () => {
    expect(ACCEPTED_TYPES).toEqual(expect.arrayContaining(['.pdf', '.docx', '.md', '.csv', 'text/html']));
    expect(extensionOf('a/b/Archive.Tar.GZ')).toBe('gz');
    expect(extensionOf('.bashrc')).toBe('');
  });
});
