/**
 * The composer's check of a file before it is uploaded, against the server's limits: size, type, images, quota.
 * The server checks again (and its sentence is shown as written); this one saves uploading a file that would be
 * refused, and says why in words.
 */
import type { AttachmentLimits } from './attachment-types.js';
import { formatBytes } from './file-size.js';

/** What the composer knows of a file before reading it (a `File` has these). */
export interface FileFacts {
  name: string;
  /** The browser's MIME type; often empty or wrong for code and Markdown. */
  type: string;
  size: number;
}

/** Why a file is refused before upload. */
export type RefusalReason = 'too_large' | 'unsupported' | 'image' | 'quota';

/** A refused file: the reason and the sentence to show. */
export interface Refusal {
  reason: RefusalReason;
  message: string;
}

/**
 * Endings of text files a browser types badly (empty, `application/octet-stream`, or `.ts` as `video/mp2t`): the
 * server reads their bytes, so the composer lets it decide rather than refusing them by the browser's type.
 */
const TEXT_ENDINGS = new Set(
  'txt md markdown rst log csv tsv json jsonl ndjson yaml yml toml ini cfg conf xml html htm ts tsx js jsx mjs cjs py rb go rs java kt c h cc cpp hpp cs php sh bash zsh sql swift scala lua r pl ex exs erl hs ml vue svelte css scss less'.split(
    ' ',
  ),
);

function ending(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function mimeMatches(pattern: string, mime: string): boolean {
  const p = pattern.toLowerCase();
  if (p.endsWith('/*')) return mime.startsWith(p.slice(0, -1));
  return p === mime;
}

/** True when an entry of `accepted` (a MIME type, a `type/*`, or a `.ending`) names the file. */
export function isAccepted(file: Pick<FileFacts, 'name' | 'type'>, accepted: readonly string[]): boolean {
  const mime = file.type.toLowerCase();
  const end = ending(file.name);
  return accepted.some((entry) =>
    entry.startsWith('.') ? entry.slice(1).toLowerCase() === end : mime !== '' && mimeMatches(entry, mime),
  );
}

/** Image files by type or by name, as the server tells them (a browser may not type a `.heic`). */
const IMAGE_NAME = /\.(png|jpe?g|gif|webp|bmp|heic|avif|tiff?)$/i;

function isImage(file: FileFacts): boolean {
  return file.type.toLowerCase().startsWith('image/') || IMAGE_NAME.test(file.name);
}

/** The browser could not tell the type, or types this text file badly: the server's sniffing decides. */
function typeUnknown(file: FileFacts): boolean {
  const mime = file.type.toLowerCase();
  return mime === '' || mime === 'application/octet-stream' || TEXT_ENDINGS.has(ending(file.name));
}

function acceptedList(accepted: readonly string[]): string {
  const shown = accepted.slice(0, 8).join(', ');
  return accepted.length > 8 ? `${shown}, …` : shown;
}

/**
 * Why `file` would be refused, or `null` when it may be uploaded. `pendingBytes` are files uploading beside it
 * (they count against the quota too). An image is refused unless the server accepts images: no model here can see.
 *
 * @example
 * checkFile({ name: 'big.log', type: 'text/plain', size: 30 << 20 }, limits)?.reason // 'too_large'
 */
export function checkFile(file: FileFacts, limits: AttachmentLimits, pendingBytes = 0): Refusal | null {
  const name = `“${file.name}”`;
  if (file.size > limits.max_file_bytes)
    return {
      reason: 'too_large',
      message: `${name} is ${formatBytes(file.size)}; files can be at most ${formatBytes(limits.max_file_bytes)}. Attach a smaller file or a part of it.`,
    };
  const accepted = limits.accepted.length === 0 || isAccepted(file, limits.accepted);
  if (!accepted && isImage(file))
    return {
      reason: 'image',
      message: `${name} is an image: images need a model that can see, and the active model reads text only. Describe the image in words instead.`,
    };
  if (!accepted && !typeUnknown(file))
    return {
      reason: 'unsupported',
      message: `${name} is not a supported type (${file.type}). Attach text, Markdown, code, CSV, JSON, logs, PDF, DOCX or HTML (${acceptedList(limits.accepted)}).`,
    };
  const used = limits.used_bytes + pendingBytes;
  if (used + file.size > limits.quota_bytes)
    return {
      reason: 'quota',
      message: `${name} (${formatBytes(file.size)}) does not fit in your attachment storage: ${formatBytes(used)} of ${formatBytes(limits.quota_bytes)} used. Delete chats with files you no longer need to make room.`,
    };
  return null;
}
