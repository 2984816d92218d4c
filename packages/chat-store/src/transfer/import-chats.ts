/**
 * Imports an export file into a user's chats: first the whole file is read and checked (so a bad file stores
 * nothing), then each chat is stored in its own transaction. Memory holds one chat at a time.
 */
import type { ChatStore } from '../chat-store.js';
import { readChats } from './read-chats.js';
import type { ImportChatResult } from '../contract/transfer-repository.js';
import type { SkippedCounts, TransferChat, TransferFormat } from './transfer-types.js';
import type { NewAttachment } from '../contract/attachments.js';
import { AttachmentQuotaExceededError } from '../errors/index.js';
import { ImportFormatError } from './transfer-error.js';

export interface ImportChatsOptions {
  /** Opens the file from its start; called twice (check, then store). */
  open(): AsyncIterable<Uint8Array | string>;
  /** Called as the file is read: which pass, bytes of this pass so far, chats so far. */
  onProgress?(progress: ImportProgress): void;
  /** Refuse a file larger than this many bytes. Defaults to no limit. */
  maxBytes?: number;
  /** Limits and text extraction for the files messages carry (Chat Studio files, version 2). */
  attachments?: ImportAttachmentOptions;
}

/** How an import treats attached files. */
export interface ImportAttachmentOptions {
  /** Refuse the import when one file is larger (ImportFormatError naming it). Defaults to no limit. */
  maxFileBytes?: number;
  /** Refuse the import when the user's files would pass this (AttachmentQuotaExceededError). Defaults to no limit. */
  quotaBytes?: number;
  /**
   * The extracted text, token count and chunks of a file, as an upload would make them. Defaults to the bytes read
   * as UTF-8 text, unchunked. A file it cannot read is stored with state `error` and no text: never dropped.
   */
  prepare?(file: NewAttachment): Promise<Pick<NewAttachment, 'text' | 'tokens' | 'chunks' | 'chunked'>>;
}

export interface ImportProgress {
  phase: 'checking' | 'importing';
  bytes: number;
  chats: number;
}

/** One chat of the file and what became of it. */
export interface ImportedChat {
  position: number;
  title: string;
  format: TransferFormat;
  status: ImportChatResult['status'];
  session_id: string;
  /** Messages stored (0 for a duplicate). */
  messages: number;
  skipped: SkippedCounts;
}

/** What an import did, chat by chat and in total. */
export interface ImportSummary {
  /** Chats in the file. */
  chats: number;
  imported: number;
  /** Chats the user already had from an earlier import of the same source; not stored again. */
  duplicates: number;
  messages: number;
  skipped: SkippedCounts;
  items: ImportedChat[];
}

/**
 * Checks the whole file, then stores its chats for `userId`, one transaction each. A chat already imported
 * (same format and source id) is skipped and reported as a duplicate.
 *
 * @example
 * const summary = await importChats(store, userId, { open: () => createReadStream('conversations.json') });
 * @throws ImportFormatError (nothing stored) when any chat of the file cannot be read.
 */
export async function importChats(
  store: ChatStore,
  userId: string,
  options: ImportChatsOptions,
): Promise<ImportSummary> {
  let phase: ImportProgress['phase'] = 'checking';
  let bytes = 0;
  let chats = 0;
  const report = () => options.onProgress?.({ phase, bytes, chats });
  const read = () =>
    readChats(options.open(), {
      maxBytes: options.maxBytes,
      onProgress: (n) => {
        bytes = n;
        report();
      },
    });
  const files = new Map<string, number>();
  for await (const { chat, position } of read()) {
    chats++;
    report();
    collectAttachments(chat, position, files, options.attachments);
  }
  await checkQuota(store, userId, files, options.attachments);

  const summary: ImportSummary = {
    chats: 0,
    imported: 0,
    duplicates: 0,
    messages: 0,
    skipped: { nodes: 0, parts: 0 },
    items: [],
  };
  phase = 'importing';
  bytes = 0;
  chats = 0;
  for await (const { chat, position } of read()) {
    await prepareAttachments(chat, options.attachments);
    const result = await store.transfer.importChat(userId, chat);
    chats++;
    report();
    const messages = result.status === 'imported' ? result.messages : 0;
    summary.items.push({
      position,
      title: chat.title,
      format: chat.format,
      status: result.status,
      session_id: result.session_id,
      messages,
      skipped: chat.skipped,
    });
    summary.chats++;
    if (result.status === 'imported') {
      summary.imported++;
      summary.messages += messages;
      summary.skipped.nodes += chat.skipped.nodes;
      summary.skipped.parts += chat.skipped.parts;
    } else summary.duplicates++;
  }
  if (summary.messages > 0) await store.transfer.afterImport?.(summary.messages);
  return summary;
}

/** Adds the chat's files to `files` (sha256 → size), refusing one over `maxFileBytes`. */
function collectAttachments(
  chat: TransferChat,
  position: number,
  files: Map<string, number>,
  options: ImportAttachmentOptions | undefined,
): void {
  for (const [i, m] of chat.messages.entries())
    for (const [j, file] of (m.attachments ?? []).entries()) {
      if (options?.maxFileBytes !== undefined && file.bytes.byteLength > options.maxFileBytes)
        throw new ImportFormatError(`is ${file.bytes.byteLength} bytes, more than ${options.maxFileBytes} allowed`, {
          chat: `${JSON.stringify(chat.title)} (#${position})`,
          field: `messages.${i}.attachments.${j}.size`,
        });
      files.set(file.sha256, file.bytes.byteLength);
    }
}

/** Before anything is stored: the files new to this user must fit in the quota. */
async function checkQuota(
  store: ChatStore,
  userId: string,
  files: Map<string, number>,
  options: ImportAttachmentOptions | undefined,
): Promise<void> {
  if (files.size === 0 || options?.quotaBytes === undefined) return;
  const known = await store.attachments.knownBlobs(userId, [...files.keys()]);
  let adding = 0;
  for (const [sha, size] of files) if (!known.has(sha)) adding += size;
  const used = await store.attachments.usedBytes(userId);
  if (used + adding > options.quotaBytes) throw new AttachmentQuotaExceededError(options.quotaBytes, used, adding);
}

/** The text of each file of the chat, extracted as an upload would; an unreadable one is kept with state `error`. */
async function prepareAttachments(chat: TransferChat, options: ImportAttachmentOptions | undefined): Promise<void> {
  for (const m of chat.messages) {
    if (!m.attachments) continue;
    m.attachments = await Promise.all(
      m.attachments.map(async (file) => {
        try {
          return { ...file, ...(await (options?.prepare ?? plainText)(file)) };
        } catch {
          return { ...file, state: 'error' as const };
        }
      }),
    );
  }
}

async function plainText(file: NewAttachment): Promise<Pick<NewAttachment, 'text' | 'tokens' | 'chunks' | 'chunked'>> {
  return {
    text: new TextDecoder('utf-8', { fatal: true }).decode(file.bytes),
    tokens: null,
    chunks: [],
    chunked: false,
  };
}

/** One line per chat and a total, for the command line and logs. */
export function describeImport(summary: ImportSummary): string {
  const lines = summary.items.map((item) => {
    const what = item.status === 'imported' ? `imported, ${item.messages} messages` : 'already imported, skipped';
    const skipped =
      item.status === 'imported' && item.skipped.nodes + item.skipped.parts > 0
        ? `; left out ${skippedText(item.skipped)}`
        : '';
    return `#${item.position} ${JSON.stringify(item.title)} (${item.format}): ${what}${skipped}`;
  });
  const total = `${summary.imported} of ${summary.chats} chats imported (${summary.messages} messages), ${summary.duplicates} already there`;
  const left = summary.skipped.nodes + summary.skipped.parts > 0 ? `; left out ${skippedText(summary.skipped)}` : '';
  return `${[...lines, `${total}${left}`].join('\n')}\n`;
}

function skippedText(skipped: SkippedCounts): string {
  return `${skipped.nodes} empty, hidden or tool node${skipped.nodes === 1 ? '' : 's'} and ${skipped.parts} non-text part${skipped.parts === 1 ? '' : 's'}`;
}
