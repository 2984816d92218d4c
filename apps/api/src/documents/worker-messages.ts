/** What the extraction pool and its worker threads say to each other. */
import type { RichKind } from './extract-rich.js';

/** A file to extract; `bytes` is a copy whose buffer is transferred. */
export interface ExtractionRequest {
  id: number;
  kind: RichKind;
  name: string;
  bytes: Uint8Array;
}

/** The extracted text, or the error's code and message (classes do not cross threads). */
export type ExtractionResponse =
  | { id: number; ok: true; text: string; pages: number[] | null }
  | { id: number; ok: false; code: string | null; message: string };
