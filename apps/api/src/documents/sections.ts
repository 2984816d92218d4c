/** The structure of a document's text: heading sections, top-level code blocks, CSV rows. */
import type { Range } from './split-range.js';

/** A stretch of text under one heading (or one top-level code block with its declaration). */
export interface Section extends Range {
  heading: string | null;
}

/** Each line of `text` with its offsets; `end` includes the newline. */
function* lines(text: string): Generator<Range & { line: string }> {
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline + 1;
    yield { start, end, line: text.slice(start, newline < 0 ? end : newline) };
    start = end;
  }
}

const ATX_HEADING = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/**
 * Markdown sections: each ATX (`## Title`) or setext (`Title` over `===`/`---`) heading starts one, outside fenced
 * code. Text before the first heading is a section without a heading. HTML and DOCX text has `#` headings too.
 */
export function markdownSections(text: string): Section[] {
  const sections: Section[] = [];
  let current: Section = { start: 0, end: 0, heading: null };
  let fence: string | null = null;
  let paragraphLine: (Range & { line: string }) | null = null;
  const startSection = (start: number, heading: string) => {
    current.end = start;
    if (current.end > current.start) sections.push(current);
    current = { start, end: 0, heading };
  };
  for (const line of lines(text)) {
    const fenceMark = FENCE.exec(line.line)?.[1];
    const atx = fence === null && !fenceMark ? ATX_HEADING.exec(line.line) : null;
    if (fenceMark && (fence === null || fence === fenceMark)) fence = fence === null ? fenceMark : null;
    else if (atx) startSection(line.start, (atx[1] as string).trim() || line.line.trim());
    const setext: boolean = fence === null && paragraphLine !== null && SETEXT_UNDERLINE.test(line.line);
    if (setext && paragraphLine) startSection(paragraphLine.start, paragraphLine.line.trim());
    // Only a plain text line can be underlined into a setext heading.
    const plain: boolean = fence === null && !fenceMark && !atx && !setext && line.line.trim() !== '';
    paragraphLine = plain ? line : null;
  }
  current.end = text.length;
  if (current.end > current.start) sections.push(current);
  return sections;
}

/** A line that declares something at the top level, used as a code chunk's heading. */
const DECLARATION =
  /^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:pub(?:\(crate\))?\s+)?(?:abstract\s+|final\s+|static\s+|public\s+|private\s+|protected\s+)*(?:function\*?|class|def|fn|func|interface|type|enum|struct|impl|trait|module|namespace|const|let|var|object|package|record|CREATE|create|resource|data)\b/;

/** The first top-level declaration line of a block, shortened. */
function declarationOf(text: string, block: Range): string | null {
  for (const line of lines(text.slice(block.start, block.end))) {
    if (DECLARATION.test(line.line)) return line.line.trim().slice(0, 120);
  }
  return null;
}

/**
 * Top-level blocks of source code: a block starts at an unindented line after a blank line (a function, a class,
 * an import group). No parser per language: blank-line-separated top-level blocks are the structure every
 * language's formatter leaves.
 */
export function codeBlocks(text: string): Section[] {
  const starts = [0];
  let blank = false;
  for (const line of lines(text)) {
    if (line.line.trim() === '') blank = true;
    else {
      if (blank && line.start > 0 && !/^[\s})\]]/.test(line.line)) starts.push(line.start);
      blank = false;
    }
  }
  return starts.map((start, index) => {
    const block = { start, end: starts[index + 1] ?? text.length };
    return { ...block, heading: declarationOf(text, block) };
  });
}

/**
 * CSV or TSV rows (`end` includes the newline). A newline inside a quoted CSV field does not end a row; TSV (a
 * header with tabs and no commas) has no quoting.
 */
export function csvRows(text: string): Range[] {
  const newline = text.indexOf('\n');
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  const quoted = !(firstLine.includes('\t') && !firstLine.includes(','));
  const rows: Range[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34 && quoted) inQuotes = !inQuotes;
    else if (code === 10 && !inQuotes) {
      rows.push({ start, end: i + 1 });
      start = i + 1;
    }
  }
  if (start < text.length) rows.push({ start, end: text.length });
  return rows;
}
