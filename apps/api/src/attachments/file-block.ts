/** How attached text is written into a user turn: `<file name="…">…</file>` blocks before the user's words. */
import type { AttachmentChunkHit } from './store-port.js';

/** An attribute value safe inside double quotes. */
function attribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * A whole file (or, with `truncated`, its start) as the model reads it. The text goes in as written: the closing
 * tag inside a file is the only thing changed, so a file cannot end its own block early.
 */
export function fileBlock(name: string, text: string, options: { truncated?: boolean } = {}): string {
  const body = text.replace(/<\/file>/gi, '<\\/file>');
  const extra = options.truncated ? ' truncated="true"' : '';
  return `<file name="${attribute(name)}"${extra}>\n${body}\n</file>`;
}

/** One retrieved part of a large file, with where it comes from (heading, page) so the model can cite it. */
export function chunkBlock(hit: AttachmentChunkHit): string {
  const where = [
    `part="${hit.ordinal + 1}"`,
    ...(hit.heading ? [`heading="${attribute(hit.heading)}"`] : []),
    ...(hit.page !== null ? [`page="${hit.page}"`] : []),
  ].join(' ');
  const body = hit.text.replace(/<\/file>/gi, '<\\/file>');
  return `<file name="${attribute(hit.name)}" ${where}>\n${body}\n</file>`;
}

/** The user turn: the file blocks, then the user's own text. */
export function userTurnContent(blocks: readonly string[], message: string): string {
  return blocks.length === 0 ? message : `${blocks.join('\n\n')}\n\n${message}`;
}
