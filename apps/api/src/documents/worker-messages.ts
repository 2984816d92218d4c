/** What the extraction pool and its worker threads say to each other. */
import type { DocumentChunk, DocumentKind, ExtractedDocument } from './types.js';

/** A file to extract (`bytes` is a copy whose buffer is transferred), or a document to chunk. */
export type WorkerRequest =
  | { id: number; op: 'extract'; kind: DocumentKind; name: string; bytes: Uint8Array }
  | { id: number; op: 'chunk'; name: string; document: ExtractedDocument; maxChars: number };

/** The result, or the error's code and message (classes do not cross threads). */
export type WorkerResponse =
  | { id: number; ok: true; document: ExtractedDocument }
  | { id: number; ok: true; chunks: DocumentChunk[] }
  | { id: number; ok: false; code: string | null; message: string };
