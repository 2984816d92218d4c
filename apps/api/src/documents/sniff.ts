/** What the first bytes of a file say it is, whatever its name and MIME type claim. */

/** A recognised file signature, or `text`/`binary` from the bytes themselves. */
export type Sniffed = 'pdf' | 'zip' | 'image' | 'ole' | 'binary' | 'text';

const IMAGE_SIGNATURES: readonly (readonly number[])[] = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], // GIF89a
  [0x47, 0x49, 0x46, 0x38, 0x37, 0x61], // GIF87a
  [0x49, 0x49, 0x2a, 0x00], // TIFF, little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // TIFF, big-endian
  [0x00, 0x00, 0x01, 0x00], // ICO
];

/** Signatures of binaries that are never text: archives, executables, media. */
const BINARY_SIGNATURES: readonly (readonly number[])[] = [
  [0x1f, 0x8b], // gzip
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], // RAR
  [0x37, 0x7a, 0xbc, 0xaf], // 7z
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
];

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, i) => bytes[at + i] === byte);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** ISO base media (`....ftyp`): HEIC/AVIF images, otherwise video or audio. */
function sniffFtyp(bytes: Uint8Array): Sniffed | null {
  if (bytes.length < 12 || ascii(bytes, 4, 8) !== 'ftyp') return null;
  const brand = ascii(bytes, 8, 12);
  return ['heic', 'heix', 'mif1', 'msf1', 'avif', 'avis'].includes(brand) ? 'image' : 'binary';
}

/**
 * The PDF header may follow up to 1 KiB of junk (readers tolerate it). Only trusted for a file that says it is a
 * PDF: a Markdown note about PDFs may well quote `%PDF-1.7` near its start.
 */
export function hasPdfHeaderNearStart(bytes: Uint8Array): boolean {
  return ascii(bytes, 0, Math.min(bytes.length, 1024)).includes('%PDF-');
}

/**
 * UTF-16 text (with its byte order mark) has NUL bytes yet is text; anything else with NUL bytes or many C0
 * control characters in its first 8 KiB is binary.
 */
function looksBinary(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return false;
  const head = bytes.subarray(0, 8192);
  let controls = 0;
  for (const byte of head) {
    if (byte === 0) return true;
    // Tab, line feed, form feed, carriage return and escape (ANSI colours in logs) are text.
    if (byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 12 && byte !== 13 && byte !== 27) controls++;
  }
  return controls > head.length * 0.1;
}

/** Classifies a file by its content alone. */
export function sniff(bytes: Uint8Array): Sniffed {
  if (ascii(bytes, 0, 5) === '%PDF-') return 'pdf';
  if (IMAGE_SIGNATURES.some((signature) => startsWith(bytes, signature))) return 'image';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image';
  const ftyp = sniffFtyp(bytes);
  if (ftyp) return ftyp;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (BINARY_SIGNATURES.some((signature) => startsWith(bytes, signature))) return 'binary';
  return looksBinary(bytes) ? 'binary' : 'text';
}
