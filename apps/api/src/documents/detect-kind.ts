/** Which kind a file is read as: its content first, then its name, then its MIME type. */
import { AttachmentUnreadableError, AttachmentUnsupportedError, imageRefusal } from './errors.js';
import { hasPdfHeaderNearStart, sniff } from './sniff.js';
import type { DocumentKind } from './types.js';

const CODE_EXTENSIONS = (
  'ts tsx mts cts js jsx mjs cjs py pyi rb go rs java kt kts scala groovy gradle c h cc cpp cxx hpp hh cs fs ' +
  'swift m mm php pl pm lua r dart ex exs erl hrl hs ml mli clj cljs elm zig nim jl sh bash zsh fish ps1 bat cmd ' +
  'sql graphql gql proto yaml yml toml ini cfg conf properties env xml xsd xsl svg css scss sass less vue svelte ' +
  'astro tf hcl nix cmake mk dockerfile diff patch'
).split(' ');

/** Extensions (lower case, without the dot) and the kind each is read as. */
export const KIND_BY_EXTENSION: Readonly<Record<string, DocumentKind>> = {
  ...Object.fromEntries(CODE_EXTENSIONS.map((extension) => [extension, 'code' as const])),
  txt: 'text',
  text: 'text',
  rst: 'text',
  adoc: 'text',
  tex: 'text',
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  csv: 'csv',
  tsv: 'csv',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  geojson: 'json',
  log: 'log',
  pdf: 'pdf',
  docx: 'docx',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
};

/** File names without a telling extension that are source code. */
const CODE_NAMES = new Set(['dockerfile', 'makefile', 'gemfile', 'rakefile', 'procfile', 'jenkinsfile', 'justfile']);

const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** MIME types (without parameters) and the kind each is read as, for names that say nothing. */
const KIND_BY_MIME: Readonly<Record<string, DocumentKind>> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'json',
  'text/x-log': 'log',
  'application/pdf': 'pdf',
  [DOCX_MIME]: 'docx',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/javascript': 'code',
  'application/javascript': 'code',
  'text/x-python': 'code',
  'application/xml': 'code',
  'text/xml': 'code',
  'text/css': 'code',
  'application/x-sh': 'code',
  'application/yaml': 'code',
  'application/sql': 'code',
};

const IMAGE_EXTENSIONS = new Set(
  'png jpg jpeg gif webp bmp tif tiff ico heic heif avif jxl psd raw cr2 nef'.split(' '),
);

/** Office formats other than DOCX, named so the refusal can say what to do. */
const OTHER_OFFICE = new Set('doc xls xlsx ppt pptx odt ods odp rtf pages key numbers'.split(' '));

/**
 * Accepted file types for a file picker's `accept` and the default `ATTACHMENT_TYPES`: every extension (with its
 * dot) and every MIME type this module reads.
 */
export const ACCEPTED_TYPES: readonly string[] = [
  ...Object.keys(KIND_BY_EXTENSION).map((extension) => `.${extension}`),
  ...Object.keys(KIND_BY_MIME),
];

/** The lower-case extension of a file name (`.log.1` rotations count as `log`), or `''`. */
export function extensionOf(name: string): string {
  const base = name.toLowerCase().split(/[\\/]/).pop() ?? '';
  if (/\.log\.\d+$/.test(base)) return 'log';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : '';
}

function baseName(name: string): string {
  return name.toLowerCase().split(/[\\/]/).pop() ?? '';
}

function mimeEssence(mime: string): string {
  return mime.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** By name, then MIME type; any other text is `text`. */
function kindOfText(name: string, mime: string): DocumentKind {
  const extension = extensionOf(name);
  const byExtension = KIND_BY_EXTENSION[extension];
  if (byExtension && byExtension !== 'pdf' && byExtension !== 'docx') return byExtension;
  if (CODE_NAMES.has(baseName(name))) return 'code';
  const byMime = KIND_BY_MIME[mimeEssence(mime)];
  if (byMime && byMime !== 'pdf' && byMime !== 'docx') return byMime;
  return 'text';
}

function refuseBinary(name: string, extension: string): never {
  if (OTHER_OFFICE.has(extension))
    throw new AttachmentUnsupportedError(
      `${name} is a .${extension} file, which Chat Studio cannot read: save it as DOCX, PDF or plain text and attach that.`,
    );
  throw new AttachmentUnsupportedError(
    `${name} is a binary file, which Chat Studio cannot read: attach text, Markdown, source code, CSV, JSON, logs, ` +
      'PDF, DOCX or HTML.',
  );
}

/**
 * The kind a file is read as. The bytes decide first (a PDF named `.txt` is a PDF; a PNG named `.md` is an image),
 * then the extension, then the MIME type; text that nothing names is `text`. SVG is XML text and reads as code.
 *
 * @throws AttachmentUnsupportedError for images (no vision model yet), other binaries and office formats other
 *   than DOCX.
 * @throws AttachmentUnreadableError for a file named PDF or DOCX whose bytes are not one.
 */
export function detectKind(name: string, mime: string, bytes: Uint8Array): DocumentKind {
  const extension = extensionOf(name);
  const essence = mimeEssence(mime);
  const sniffed = sniff(bytes);
  if (sniffed === 'pdf') return 'pdf';
  if (sniffed === 'image') throw imageRefusal(name);
  const claimsDocx = extension === 'docx' || essence === DOCX_MIME;
  if (sniffed === 'zip' && claimsDocx) return 'docx';
  const claimsPdf = extension === 'pdf' || essence === 'application/pdf';
  if (claimsPdf && hasPdfHeaderNearStart(bytes)) return 'pdf';
  if (claimsPdf)
    throw new AttachmentUnreadableError(`${name} is not a valid PDF (it lacks the %PDF header): it may be damaged.`);
  if (claimsDocx)
    throw new AttachmentUnreadableError(`${name} is not a valid DOCX (it is not a ZIP archive): it may be damaged.`);
  const svg = extension === 'svg' || essence === 'image/svg+xml';
  if (!svg && (IMAGE_EXTENSIONS.has(extension) || essence.startsWith('image/'))) throw imageRefusal(name);
  if (sniffed !== 'text') refuseBinary(name, extension);
  return kindOfText(name, mime);
}
