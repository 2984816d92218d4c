/** Which files ATTACHMENT_TYPES lets in: by MIME type, MIME family or name suffix. */
import { ApiError } from '../errors/index.js';

/** The MIME type without parameters, lower case (`Text/Plain; charset=utf-8` → `text/plain`). */
export function bareMime(mime: string): string {
  return (mime.split(';')[0] ?? '').trim().toLowerCase();
}

/** The name's suffix with its dot, lower case (`notes.MD` → `.md`), or '' when it has none. */
export function nameSuffix(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** True when `types` accepts the file by its MIME type, its MIME family (`text/*`) or its name's suffix. */
export function isAcceptedType(name: string, mime: string, types: readonly string[]): boolean {
  const type = bareMime(mime);
  const family = `${type.split('/')[0]}/*`;
  const suffix = nameSuffix(name);
  return types.some((t) => t === type || t === family || (suffix !== '' && t === suffix));
}

/**
 * Refuses a file ATTACHMENT_TYPES does not list, and any image: no model here can see, so an image would reach it
 * as nothing at all.
 */
export function checkAcceptedType(name: string, mime: string, types: readonly string[]): void {
  const type = bareMime(mime);
  if (type.startsWith('image/') || /\.(png|jpe?g|gif|webp|bmp|heic|avif|tiff?)$/i.test(name))
    throw new ApiError(
      'attachment_unsupported',
      `"${name}" is an image, and the active model cannot see images: describe it in words, or attach a text, PDF or DOCX file`,
    );
  if (!isAcceptedType(name, mime, types))
    throw new ApiError(
      'attachment_unsupported',
      `"${name}" (${type || 'unknown type'}) is not an accepted file type: attach one of ${types.join(', ')} (ATTACHMENT_TYPES)`,
      { accepted: types },
    );
}
