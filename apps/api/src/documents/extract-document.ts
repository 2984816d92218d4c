/** A file's bytes to its readable text: plain-text kinds on the spot, PDF/DOCX/HTML in a worker thread. */
import { cleanText } from './clean-text.js';
import { decodeText } from './decode-text.js';
import { detectKind } from './detect-kind.js';
import { isRichKind } from './extract-rich.js';
import { ExtractionPool } from './extraction-pool.js';
import type { ExtractedDocument } from './types.js';

/** Where PDF, DOCX and HTML are extracted; the shared default pool (one worker) when not given. */
export interface ExtractOptions {
  pool?: ExtractionPool;
}

let sharedPool: ExtractionPool | null = null;

/** The process-wide pool, started on first use. */
function defaultPool(): ExtractionPool {
  sharedPool ??= new ExtractionPool();
  return sharedPool;
}

/** Ends the shared extraction worker (at shutdown, or after tests); the next extraction starts a new one. */
export async function closeExtractionWorkers(): Promise<void> {
  const pool = sharedPool;
  sharedPool = null;
  await pool?.close();
}

/**
 * Extracts the readable text of a file. Text kinds (text, Markdown, code, CSV, JSON, logs) are decoded here — UTF-8,
 * UTF-16 with a byte order mark, else Windows-1252 (see `decodeText`) — which takes milliseconds even for 20 MiB;
 * PDF, DOCX and HTML are parsed in a worker thread so the event loop keeps answering.
 *
 * @throws AttachmentUnsupportedError (`attachment_unsupported`) for images and other binaries.
 * @throws AttachmentUnreadableError (`attachment_unreadable`) for a damaged PDF or DOCX.
 */
export async function extractDocument(
  bytes: Uint8Array,
  file: { name: string; mime: string },
  options: ExtractOptions = {},
): Promise<ExtractedDocument> {
  const kind = detectKind(file.name, file.mime, bytes);
  if (isRichKind(kind)) {
    const { text, pages } = await (options.pool ?? defaultPool()).run(kind, bytes, file.name);
    return { kind, text, pages };
  }
  return { kind, text: cleanText(decodeText(bytes).text), pages: null };
}
