/** A file's bytes to its readable text: PDF, DOCX, HTML and large text in a worker thread, small text on the spot. */
import type { ExtractionPool } from './extraction-pool.js';
import { detectKind } from './detect-kind.js';
import { extractInThread } from './extract-in-thread.js';
import { IN_THREAD_LIMIT, sharedExtractionPool } from './shared-pool.js';
import type { ExtractedDocument } from './types.js';

/** Where off-thread work runs; the shared pool (one worker) when not given. */
export interface ExtractOptions {
  pool?: ExtractionPool;
}

/**
 * Extracts the readable text of a file (see `ExtractedDocument` for its shape). Text kinds (text, Markdown, code,
 * CSV, JSON, logs) are decoded as UTF-8, UTF-16 with a byte order mark, else Windows-1252 (see `decodeText`); PDF,
 * DOCX and HTML, and text files over 1 MiB, are handled in a worker thread so the event loop keeps answering.
 *
 * @throws AttachmentUnsupportedError (`attachment_unsupported`) for images and other binaries.
 * @throws AttachmentUnreadableError (`attachment_unreadable`) for a damaged PDF or DOCX, or one that overruns the
 *   pool's time or memory limit.
 */
export async function extractDocument(
  bytes: Uint8Array,
  file: { name: string; mime: string },
  options: ExtractOptions = {},
): Promise<ExtractedDocument> {
  const kind = detectKind(file.name, file.mime, bytes);
  const inThread = kind !== 'pdf' && kind !== 'docx' && kind !== 'html' && bytes.byteLength <= IN_THREAD_LIMIT;
  if (inThread) return extractInThread(kind, bytes, file.name);
  return (options.pool ?? sharedExtractionPool()).run(kind, bytes, file.name);
}
