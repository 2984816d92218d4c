/** Real files for the documents tests and the benchmark's twins: PDFs, DOCX, logs made on the spot. */
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { DocumentChunk, ExtractedDocument } from './types.js';

/** A PDF of `pages` pages, each with `linesPerPage` lines reading `Page N line L …`. */
export async function makePdf(pages: number, linesPerPage = 40): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 1; page <= pages; page++) {
    const sheet = pdf.addPage();
    for (let line = 0; line < linesPerPage; line++)
      sheet.drawText(`Page ${page} line ${line} of the quarterly report on login latency.`, {
        x: 40,
        y: 780 - line * 17,
        size: 10,
        font,
      });
  }
  return pdf.save();
}

/** A DOCX with a title, two headed sections, a list and a table. */
export async function makeDocx(): Promise<Uint8Array> {
  const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
  const document = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Chat Studio', heading: HeadingLevel.TITLE }),
          new Paragraph({ text: 'Release notes', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Version 2 fixes the flaky login test.'),
          new Paragraph({ text: 'Known issues', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({ text: 'Exports over 2 GB are slow.', bullet: { level: 0 } }),
          new Paragraph({ text: 'Search misses accents.', bullet: { level: 0 } }),
          new Table({
            rows: [
              new TableRow({ children: [cell('Platform'), cell('Status')] }),
              new TableRow({ children: [cell('Linux'), cell('Supported')] }),
            ],
          }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** A log file of about `bytes` bytes (ASCII, so bytes equal characters), one numbered line per event. */
export function makeLog(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let n = 1; size < bytes; n++) {
    const level = n % 97 === 0 ? 'ERROR' : n % 13 === 0 ? 'WARN' : 'INFO';
    const line = `2026-12-03T01:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z ${level} request ${n} served in ${n % 250} ms\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * What is wrong with a chunk list, if anything: order, bounds, size, surrogate pairs, text matching its offsets
 * (CSV chunks may start with the repeated header), and coverage (only whitespace between chunks).
 */
export function chunkProblems(doc: ExtractedDocument, chunks: DocumentChunk[], maxChars: number): string[] {
  const problems: string[] = [];
  let previousEnd = 0;
  for (const [index, chunk] of chunks.entries()) {
    const at = `chunk ${index}`;
    if (chunk.ordinal !== index) problems.push(`${at}: ordinal ${chunk.ordinal}`);
    if (chunk.start < previousEnd || chunk.end <= chunk.start || chunk.end > doc.text.length)
      problems.push(`${at}: bad range ${chunk.start}-${chunk.end}`);
    if (chunk.text.length > maxChars) problems.push(`${at}: ${chunk.text.length} > ${maxChars} chars`);
    if (isLow(doc.text.charCodeAt(chunk.start)) || isHigh(doc.text.charCodeAt(chunk.end - 1)))
      problems.push(`${at}: splits a surrogate pair`);
    const slice = doc.text.slice(chunk.start, chunk.end);
    if (chunk.text !== slice && !(doc.kind === 'csv' && chunk.text.endsWith(`\n${slice}`)))
      problems.push(`${at}: text does not match its offsets`);
    if (doc.text.slice(previousEnd, chunk.start).trim() !== '') problems.push(`${at}: text before it is in no chunk`);
    previousEnd = chunk.end;
  }
  if (doc.text.slice(previousEnd).trim() !== '') problems.push('the end of the text is in no chunk');
  return problems;
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
