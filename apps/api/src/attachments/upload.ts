/** One file in: type and size checked, text extracted, counted in the active model's tokens, chunked when large. */
import { createHash } from 'node:crypto';
import type { AttachmentSummary } from '@chat-studio/protocol';
import type { AttachmentConfig } from '../config/index.js';
import { ApiError } from '../errors/index.js';
import { checkAcceptedType } from './accepted-types.js';
import { countFileTokens } from './count-file-tokens.js';
import type { DocumentsPort } from './documents-port.js';
import { FALLBACK_CONTEXT_TOKENS, FILE_SHARE } from './plan-turn.js';
import type { AttachmentStorePort, NewAttachment } from './store-port.js';

/** Chunks of a large file that should fit in one turn together: what the chunk size is made for. */
export const CHUNKS_PER_TURN = 4;
/** Bounds of a chunk's size in characters, whatever the model: a readable passage, never a whole chapter. */
export const MIN_CHUNK_CHARS = 256;
export const MAX_CHUNK_CHARS = 4000;

/**
 * Characters per chunk: {@link CHUNKS_PER_TURN} chunks fill the share of the context files may take, in this file's
 * own characters per token (a tiny model's tokenizer takes ~1.3, a real one ~4).
 */
export function chunkChars(contextTokens: number, textLength: number, tokens: number | null): number {
  const charsPerToken = tokens !== null && tokens > 0 ? textLength / tokens : 4;
  const chars = Math.floor(((contextTokens * FILE_SHARE) / CHUNKS_PER_TURN) * charsPerToken);
  return Math.min(MAX_CHUNK_CHARS, Math.max(MIN_CHUNK_CHARS, chars));
}

/** What an upload needs. */
export interface UploadDeps {
  store: Pick<AttachmentStorePort, 'create'>;
  documents: DocumentsPort;
  config: AttachmentConfig;
  /** The active model's tokenizer and context; null when none can count (the count is then made at the first turn). */
  countTokens(text: string): number | null;
  contextSize(): number | null;
}

/** A file as it arrived: its name, declared type and bytes. */
export interface UploadedFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

/** The name as stored: no folders (some browsers send a path), no control characters, at most 255 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.slice(0, 255) || 'file';
}

/** The file's SHA-256 as 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Stores one uploaded file for `userId` (unsent: `message_id` null; a draft of `options.sessionId`'s chat when given,
 * which the caller has checked is theirs) and returns its summary. Throws ApiErrors
 * `attachment_unsupported` / `attachment_too_large`, the extractor's `attachment_unreadable`, and the store's
 * `attachment_quota_exceeded`.
 */
export async function uploadAttachment(
  deps: UploadDeps,
  userId: string,
  file: UploadedFile,
  options: { sessionId?: string | null; phases?: UploadPhases } = {},
): Promise<AttachmentSummary> {
  const name = cleanFileName(file.name);
  const mime = file.mime.trim().toLowerCase() || 'application/octet-stream';
  checkAcceptedType(name, mime, deps.config.types);
  if (file.bytes.byteLength > deps.config.maxFileBytes) throw tooLarge(deps.config.maxFileBytes);
  const phases = options.phases ?? {};
  const prepared = await prepareAttachmentText(deps, { name, mime, bytes: file.bytes }, phases);
  const started = performance.now();
  const created = await deps.store.create(
    userId,
    { name, mime, bytes: file.bytes, sha256: sha256Hex(file.bytes), ...prepared, sessionId: options.sessionId ?? null },
    { quotaBytes: deps.config.quotaBytes },
  );
  phases.store = performance.now() - started;
  return created;
}

/** Milliseconds an upload spent in each step (the route sends them as `Server-Timing`). */
export interface UploadPhases {
  extract?: number;
  count?: number;
  chunk?: number;
  store?: number;
}

/**
 * What a file takes part in turns with: its extracted text, its tokens in the active model (null while none is
 * loaded), and the chunks of a large one; an upload and an import both make it here.
 */
export async function prepareAttachmentText(
  deps: Pick<UploadDeps, 'documents' | 'countTokens' | 'contextSize'>,
  file: UploadedFile,
  phases: UploadPhases = {},
): Promise<Pick<NewAttachment, 'text' | 'tokens' | 'chunks' | 'chunked'>> {
  let mark = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const doc = await deps.documents.extractDocument(file.bytes, { name: file.name, mime: file.mime });
  phases.extract = lap();
  const context = deps.contextSize() ?? FALLBACK_CONTEXT_TOKENS;
  // A file that cannot fit is counted on a sample: tokenizing megabytes held the main thread and the model's worker.
  const tokens = countFileTokens(deps.countTokens, doc.text, context * FILE_SHARE)?.tokens ?? null;
  phases.count = lap();
  const maxChars = chunkChars(context, doc.text.length, tokens);
  const chunks = doc.text.length > maxChars ? await deps.documents.chunkDocument(doc, { maxChars }) : [];
  phases.chunk = lap();
  const estimate = tokens ?? Math.ceil(doc.text.length / 4);
  return {
    text: doc.text,
    tokens,
    chunks: chunks.map(({ ordinal, start, end, heading, page, text }) => ({
      ordinal,
      start,
      end,
      heading,
      page,
      text,
    })),
    chunked: chunks.length > 0 && estimate > context * FILE_SHARE,
  };
}

/** The 413 for a file over ATTACHMENT_MAX_BYTES, with what to do. */
export function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    'attachment_too_large',
    `The file is larger than ${formatBytes(maxBytes)} (ATTACHMENT_MAX_BYTES): attach a smaller file or split it`,
    { max_file_bytes: maxBytes },
  );
}

/** `20 MiB`, `512 KiB`, `900 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
