/** Chunking without holding the event loop: large documents are chunked in the extraction worker. */
import { chunkDocument } from './chunk-document.js';
import type { ExtractOptions } from './extract-document.js';
import { IN_THREAD_LIMIT, sharedExtractionPool } from './shared-pool.js';
import type { ChunkOptions, DocumentChunk, ExtractedDocument } from './types.js';

/**
 * `chunkDocument`, in the worker for text over 1 MiB characters (chunking a 5 MB log holds a loaded 2-core machine's
 * event loop for 100-500 ms), on the spot for smaller text. Same result either way.
 *
 * @throws RangeError when `maxChars` is not an integer of at least 2.
 */
export async function chunkDocumentOffThread(
  doc: ExtractedDocument,
  options: ChunkOptions,
  extractOptions: ExtractOptions = {},
): Promise<DocumentChunk[]> {
  if (doc.text.length <= IN_THREAD_LIMIT || !Number.isInteger(options.maxChars) || options.maxChars < 2)
    return chunkDocument(doc, options);
  return (extractOptions.pool ?? sharedExtractionPool()).chunk(doc, options);
}
