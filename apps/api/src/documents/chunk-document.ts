/**
 * A document's text cut into chunks by its structure — headings, top-level code blocks, pages, CSV row groups, log
 * line groups — each at most `maxChars` long, so the parts of a long file can be retrieved and cited.
 */
import { codeBlocks, csvRows, markdownSections, type Section } from './sections.js';
import { type Range, splitRange, trimRange } from './split-range.js';
import type { ChunkOptions, DocumentChunk, ExtractedDocument } from './types.js';

/** A chunk before it is numbered. */
type Draft = Omit<DocumentChunk, 'ordinal'>;

/** One draft per piece of `range`, each with the same heading and page; whitespace-only pieces vanish. */
function piecesOf(text: string, range: Range, maxChars: number, heading: string | null, page: number | null): Draft[] {
  const drafts: Draft[] = [];
  for (const piece of splitRange(text, range.start, range.end, maxChars)) {
    const trimmed = trimRange(text, piece);
    if (trimmed) drafts.push({ ...trimmed, heading, page, text: text.slice(trimmed.start, trimmed.end) });
  }
  return drafts;
}

/**
 * A section that is only its heading (a title right above a subheading) joins the next one when both fit: a chunk
 * of one heading line would be retrieved for nothing. The joined chunk takes the inner heading, the one its text is
 * under.
 */
function joinBareHeadings(text: string, sections: Section[], maxChars: number): Section[] {
  const joined: Section[] = [];
  let pending: Section | null = null;
  for (const section of sections) {
    const start: number = pending && section.end - pending.start <= maxChars ? pending.start : section.start;
    if (pending && start !== pending.start) joined.push(pending);
    const current: Section = { ...section, start };
    const newline = text.indexOf('\n', section.start);
    const body = newline < 0 || newline >= section.end ? '' : text.slice(newline, section.end);
    if (section.heading !== null && body.trim() === '') pending = current;
    else {
      joined.push(current);
      pending = null;
    }
  }
  if (pending) joined.push(pending);
  return joined;
}

/** Markdown, HTML and DOCX: one chunk per heading section, long sections cut at paragraph boundaries. */
function bySections(text: string, maxChars: number): Draft[] {
  return joinBareHeadings(text, markdownSections(text), maxChars).flatMap((section) =>
    piecesOf(text, section, maxChars, section.heading, null),
  );
}

/** PDFs: one chunk per page, long pages cut. */
function byPages(text: string, pages: number[], maxChars: number): Draft[] {
  return pages.flatMap((start, index) =>
    piecesOf(text, { start, end: pages[index + 1] ?? text.length }, maxChars, null, index + 1),
  );
}

/**
 * Source code: consecutive top-level blocks packed up to `maxChars`; a longer block is cut on its own. The heading
 * is the first declaration in the chunk.
 */
function byCodeBlocks(text: string, maxChars: number): Draft[] {
  const drafts: Draft[] = [];
  let group: Section | null = null;
  const flush = () => {
    if (group) drafts.push(...piecesOf(text, group, maxChars, group.heading, null));
    group = null;
  };
  for (const block of codeBlocks(text)) {
    if (group && block.end - group.start <= maxChars) {
      group = { start: group.start, end: block.end, heading: group.heading ?? block.heading };
      continue;
    }
    flush();
    group = block;
  }
  flush();
  return drafts;
}

/** 1-based line number of `offset`, counting from a known line start. */
function lineAt(text: string, from: { offset: number; line: number }, offset: number): number {
  let line = from.line;
  for (let i = from.offset; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Logs (and JSON, headed `null`): groups of whole lines up to `maxChars`, headed with their line numbers. */
function byLines(text: string, maxChars: number, numbered: boolean): Draft[] {
  const drafts = piecesOf(text, { start: 0, end: text.length }, maxChars, null, null);
  if (!numbered) return drafts;
  let known = { offset: 0, line: 1 };
  for (const draft of drafts) {
    const first = lineAt(text, known, draft.start);
    const last = lineAt(text, { offset: draft.start, line: first }, draft.end);
    known = { offset: draft.end, line: last };
    draft.heading = first === last ? `Line ${first}` : `Lines ${first}–${last}`;
  }
  return drafts;
}

/** Numbers the drafts. */
function numbered(drafts: Draft[]): DocumentChunk[] {
  return drafts.map((draft, ordinal) => ({ ordinal, ...draft }));
}

/**
 * Cuts a document into chunks of at most `maxChars` by its structure (see the module comment). `start`/`end` are
 * offsets into `doc.text`; chunks never split a surrogate pair, carry no leading or trailing whitespace, and come in
 * document order.
 *
 * @throws RangeError when `maxChars` is not an integer of at least 2.
 */
export function chunkDocument(doc: ExtractedDocument, options: ChunkOptions): DocumentChunk[] {
  const { maxChars } = options;
  if (!Number.isInteger(maxChars) || maxChars < 2)
    throw new RangeError(`maxChars must be an integer of at least 2, not ${maxChars}.`);
  const { text } = doc;
  switch (doc.kind) {
    case 'markdown':
    case 'html':
    case 'docx':
      return numbered(bySections(text, maxChars));
    case 'pdf':
      return numbered(byPages(text, doc.pages ?? [0], maxChars));
    case 'code':
      return numbered(byCodeBlocks(text, maxChars));
    case 'csv':
      return numbered(byCsvRows(text, maxChars));
    case 'log':
      return numbered(byLines(text, maxChars, true));
    case 'json':
    case 'text':
      return numbered(byLines(text, maxChars, false));
  }
}

/** The header row is repeated only while it takes at most half a chunk; a wider one would crowd out the rows. */
function repeatedHeader(text: string, header: Range | undefined, maxChars: number): string | null {
  if (!header) return null;
  const line = text.slice(header.start, header.end).replace(/\n$/, '');
  return line.length + 1 <= maxChars / 2 ? line : null;
}

/** Where a row's content ends, before its newline. */
function contentEnd(text: string, row: Range): number {
  return text.charCodeAt(row.end - 1) === 10 ? row.end - 1 : row.end;
}

/** Data rows are numbered from 1 (the header is row 0). */
function rowLabel(first: number, last: number): string {
  if (last < first) return 'Header';
  return first === last ? `Row ${first}` : `Rows ${first}–${last}`;
}

/**
 * CSV: groups of whole rows. Every chunk after the first starts with the header row (in `text`, not in
 * `start`/`end`) so a retrieved chunk still says what its columns are.
 */
function byCsvRows(text: string, maxChars: number): Draft[] {
  const rows = csvRows(text);
  const header = repeatedHeader(text, rows[0], maxChars);
  const budget = header === null ? maxChars : maxChars - header.length - 1;
  const drafts: Draft[] = [];
  let index = 0;
  while (index < rows.length) {
    const first = index;
    const start = (rows[index] as Range).start;
    const limit = first === 0 ? maxChars : budget;
    // A row's newline is trimmed from the chunk, so it does not count against the limit.
    while (index < rows.length && contentEnd(text, rows[index] as Range) - start <= limit) index++;
    // A single row longer than a chunk is cut on its own.
    const end = index === first ? (rows[index++] as Range).end : (rows[index - 1] as Range).end;
    for (const piece of piecesOf(text, { start, end }, limit, null, null)) {
      const label = rowLabel(Math.max(1, first), index - 1);
      const prefix = first > 0 && header !== null ? `${header}\n` : '';
      drafts.push({ ...piece, heading: label, text: prefix + piece.text });
    }
  }
  return drafts;
}
