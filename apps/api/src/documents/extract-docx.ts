/** DOCX to readable text through mammoth's HTML (headings kept as `#` lines). Runs in the extraction worker. */
import mammoth from 'mammoth';
import { AttachmentUnreadableError } from './errors.js';
import { htmlToText } from './html-text.js';

// Word's Title style is the document's top heading; mammoth maps only the Heading styles by default.
const styleMap = ["p[style-name='Title'] => h1:fresh", 'p.Title => h1:fresh'];

// Images would arrive as data: URIs megabytes long; only their alt text is kept.
const dropImages = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * Extracts a DOCX document's text. External files a document links to are never read.
 *
 * @throws AttachmentUnreadableError when the file is not a valid DOCX archive.
 */
export async function extractDocx(bytes: Uint8Array, name: string): Promise<string> {
  let html: string;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    html = (await mammoth.convertToHtml({ buffer }, { styleMap, convertImage: dropImages, externalFileAccess: false }))
      .value;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AttachmentUnreadableError(`${name} could not be read as a DOCX document (${reason}): it may be damaged.`);
  }
  return htmlToText(html);
}
