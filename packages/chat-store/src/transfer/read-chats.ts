/**
 * Reads an export file as a stream and yields its chats one at a time, whatever the format (detected from the
 * content): memory holds one chat, never the file.
 */
import { JSONParser } from '@streamparser/json';
import { fromChatGpt, isChatGptConversation } from './chatgpt-format.js';
import { fromOpenWebUi, isOpenWebUiChat } from './open-webui-format.js';
import { checkOwnHeader, fromOwnChat, looksLikeOwnFormat } from './own-format.js';
import { ChatFieldError, ImportFormatError, ImportTooLargeError } from './transfer-error.js';
import type { TransferChat } from './transfer-types.js';

export interface ReadChatsOptions {
  /** Called after each chunk with the bytes read so far (for a progress bar). */
  onProgress?(bytes: number): void;
  /** Refuse a file larger than this many bytes (ImportTooLargeError). Defaults to no limit. */
  maxBytes?: number;
}

/** One chat of a file and its 1-based position there. */
export interface ReadChat {
  chat: TransferChat;
  position: number;
}

type Layout = 'own' | 'array' | 'single';
// Enough to see our header even when a tool pretty-printed the file.
const HEAD_BYTES = 4096;

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
}

function layoutOf(head: string): Layout {
  // ChatGPT sends its export as a zip archive; the file to import is inside it.
  if (head.startsWith('PK\u0003\u0004')) {
    throw new ImportFormatError(
      'this is a zip archive: unpack it and import the conversations.json inside (ChatGPT) or the .json file',
    );
  }
  const first = head.trimStart()[0];
  if (first === '[') return 'array';
  if (first === '{') return looksLikeOwnFormat(head) ? 'own' : 'single';
  const shown = JSON.stringify(head.trimStart().slice(0, 20));
  throw new ImportFormatError(
    `not an export this Chat Studio reads: expected a JSON object or array, the file starts with ${shown}`,
  );
}

function titleOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = raw as { title?: unknown; chat?: { title?: unknown } };
  const title =
    typeof value.title === 'string'
      ? value.title
      : typeof value.chat?.title === 'string'
        ? value.chat.title
        : undefined;
  return title?.trim() || undefined;
}

/** The chat's label in error messages: its position and, when it has one, its title. */
export function chatLabel(position: number, title: string | undefined): string {
  return title === undefined ? `#${position}` : `#${position} ${JSON.stringify(title)}`;
}

function convert(raw: unknown, position: number, layout: Layout): TransferChat {
  try {
    if (layout === 'own') return fromOwnChat(raw);
    if (isChatGptConversation(raw)) return fromChatGpt(raw, position);
    if (isOpenWebUiChat(raw)) return fromOpenWebUi(raw, position);
    throw new ChatFieldError(
      '(chat)',
      'neither a ChatGPT conversation (no `mapping`) nor an Open WebUI chat (no `chat.history`)',
    );
  } catch (error) {
    if (error instanceof ChatFieldError) {
      throw new ImportFormatError(error.problem, { chat: chatLabel(position, titleOf(raw)), field: error.field });
    }
    throw error;
  }
}

/** A parser for the layout that pushes each complete chat (raw JSON value) into `out`. */
function makeParser(layout: Layout, out: unknown[]): JSONParser {
  const paths = layout === 'own' ? ['$.format', '$.version', '$.chats.*'] : layout === 'array' ? ['$.*'] : ['$'];
  // keepStack false: emitted chats are dropped from their parent array, so memory stays at one chat.
  const parser = new JSONParser({ paths, keepStack: false });
  let format: unknown;
  let version: unknown;
  parser.onValue = ({ value, key }) => {
    if (layout !== 'own') out.push(value);
    else if (key === 'format') format = value;
    else if (key === 'version') {
      version = value;
      try {
        checkOwnHeader(format, version);
      } catch (error) {
        const e = error as ChatFieldError;
        throw new ImportFormatError(e.problem, { field: e.field });
      }
    } else if (typeof key === 'number') {
      if (version === undefined) throw new ImportFormatError('must come before `chats`', { field: 'version' });
      out.push(value);
    }
  };
  return parser;
}

function syntaxError(error: unknown, bytes: number): ImportFormatError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ImportFormatError(`the file is not valid JSON (${reason}; ${bytes} bytes read)`, {}, { cause: error });
}

/**
 * Yields every chat of an export file (our own JSON, ChatGPT's `conversations.json`, Open WebUI's chat export),
 * in file order, converted and validated.
 *
 * @example
 * for await (const { chat, position } of readChats(createReadStream('conversations.json'))) console.log(position, chat.title);
 * @throws ImportFormatError naming the chat and the field, at the first chat that cannot be read.
 */
export async function* readChats(
  source: AsyncIterable<Uint8Array | string>,
  options: ReadChatsOptions = {},
): AsyncGenerator<ReadChat> {
  const raws: unknown[] = [];
  let parser: JSONParser | undefined;
  let layout: Layout = 'single';
  let head = new Uint8Array(0);
  let bytes = 0;
  let position = 0;

  const feed = (chunk: Uint8Array) => {
    try {
      parser!.write(chunk);
    } catch (error) {
      if (error instanceof ImportFormatError) throw error;
      throw syntaxError(error, bytes);
    }
  };
  const start = (data: Uint8Array) => {
    // A UTF-8 byte order mark is legal in files from some editors, not in JSON.
    const body = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? data.subarray(3) : data;
    layout = layoutOf(new TextDecoder().decode(body.subarray(0, HEAD_BYTES)));
    parser = makeParser(layout, raws);
    feed(body);
  };

  for await (const piece of source) {
    const chunk = toBytes(piece);
    bytes += chunk.byteLength;
    if (options.maxBytes !== undefined && bytes > options.maxBytes) {
      throw new ImportTooLargeError(`The import is larger than ${options.maxBytes} bytes`);
    }
    if (parser) feed(chunk);
    else {
      const joined = new Uint8Array(head.byteLength + chunk.byteLength);
      joined.set(head);
      joined.set(chunk, head.byteLength);
      head = joined;
      if (head.byteLength >= HEAD_BYTES) start(head);
    }
    options.onProgress?.(bytes);
    while (raws.length > 0) {
      position++;
      yield { chat: convert(raws.shift(), position, layout), position };
    }
  }
  if (!parser) {
    if (new TextDecoder().decode(head).trim() === '') throw new ImportFormatError('the file is empty');
    start(head);
  }
  try {
    if (!parser!.isEnded) parser!.end();
  } catch (error) {
    throw syntaxError(error, bytes);
  }
  while (raws.length > 0) {
    position++;
    yield { chat: convert(raws.shift(), position, layout), position };
  }
}
