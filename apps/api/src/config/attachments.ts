/** Attachment limits read from ATTACHMENT_MAX_BYTES, ATTACHMENT_QUOTA_BYTES and ATTACHMENT_TYPES. */
import { ACCEPTED_TYPES } from '../documents/detect-kind.js';

/** What files users may attach, and how much they may keep. */
export interface AttachmentConfig {
  /** Largest file in bytes (ATTACHMENT_MAX_BYTES). Defaults to 20 MiB. */
  maxFileBytes: number;
  /** Bytes of attachments one user may keep, each distinct file counted once (ATTACHMENT_QUOTA_BYTES). Defaults to 500 MiB. */
  quotaBytes: number;
  /**
   * Accepted types (ATTACHMENT_TYPES, comma-separated): MIME types (`text/csv`), MIME families (`text/*`) and name
   * suffixes (`.log`). A file is accepted when its MIME type or its name matches one. Defaults to
   * {@link DEFAULT_ATTACHMENT_TYPES}: text, Markdown, source code, CSV, JSON, logs, PDF, DOCX and HTML.
   */
  types: string[];
}

/** The text/PDF/DOCX/HTML family the document extractor reads: any `text/*`, and its names and MIME types. */
export const DEFAULT_ATTACHMENT_TYPES: readonly string[] = Object.freeze([...new Set(['text/*', ...ACCEPTED_TYPES])]);

const TYPE_PATTERN = /^(\.[A-Za-z0-9_+-]{1,20}|[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+))$/;

function bytes(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (bytes), got "${value}"`);
  return n;
}

/**
 * Reads the attachment limits; a bad value stops the start with the variable's name.
 *
 * @example
 * readAttachmentConfig({ ATTACHMENT_MAX_BYTES: '1048576', ATTACHMENT_TYPES: 'text/*,.log' });
 */
export function readAttachmentConfig(env: NodeJS.ProcessEnv): AttachmentConfig {
  const maxFileBytes = bytes(env.ATTACHMENT_MAX_BYTES, 20 * 1024 * 1024, 'ATTACHMENT_MAX_BYTES');
  const quotaBytes = bytes(env.ATTACHMENT_QUOTA_BYTES, 500 * 1024 * 1024, 'ATTACHMENT_QUOTA_BYTES');
  const raw = env.ATTACHMENT_TYPES?.trim();
  const types = raw
    ? raw
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t !== '')
    : [...DEFAULT_ATTACHMENT_TYPES];
  for (const type of types)
    if (!TYPE_PATTERN.test(type))
      throw new Error(`ATTACHMENT_TYPES must list MIME types (text/csv, text/*) or suffixes (.log), got "${type}"`);
  if (types.length === 0) throw new Error('ATTACHMENT_TYPES must list at least one type');
  return { maxFileBytes, quotaBytes, types };
}
