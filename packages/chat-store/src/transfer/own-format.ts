/**
 * Chat Studio's own export format, version 1 (docs/export-format.md, docs/export-format.schema.json): the whole
 * message tree of each chat with statuses, statistics and settings, lossless.
 */
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import type { NewAttachment } from '../contract/attachments.js';
import { FINISH_REASONS, MESSAGE_ROLES, MESSAGE_STATUSES, SessionSettingsSchema } from '@chat-studio/protocol';
import { ChatFieldError } from './transfer-error.js';
import type { TransferChat, TransferMessage } from './transfer-types.js';

/** The `format` value of every file of ours. */
export const EXPORT_FORMAT = 'chat-studio-export';
/** The version this code writes and the newest it reads (2 added `attachments` on messages). */
export const EXPORT_VERSION = 2;

const Timestamp = v.pipe(v.string(), v.isoTimestamp('expected an ISO 8601 timestamp'));
const Count = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)));
const Figure = v.nullable(v.pipe(v.number(), v.minValue(0)));

/** A file sent with a message: its bytes as base64, checked against `size` and `sha256` on import. */
export const ExportAttachmentSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  mime: v.pipe(v.string(), v.maxLength(255)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')),
  data_base64: v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64')),
});
export type ExportAttachment = v.InferOutput<typeof ExportAttachmentSchema>;

/** One message of a version 1 or 2 file. */
export const ExportMessageSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1)),
  parent_id: v.nullable(v.pipe(v.string(), v.minLength(1))),
  role: v.picklist(MESSAGE_ROLES),
  content: v.string(),
  created_at: Timestamp,
  status: v.picklist(MESSAGE_STATUSES),
  model_id: v.nullable(v.string()),
  prompt_tokens: Count,
  completion_tokens: Count,
  time_to_first_token_ms: Figure,
  tokens_per_second: Figure,
  finish_reason: v.nullable(v.picklist(FINISH_REASONS)),
  /** Version 2: the files the message was sent with (user messages only; absent when none). */
  attachments: v.optional(v.array(ExportAttachmentSchema)),
});
export type ExportMessage = v.InferOutput<typeof ExportMessageSchema>;

/** One chat of a version 1 file. */
export const ExportChatSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1)),
  title: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
  pinned: v.boolean(),
  archived: v.boolean(),
  settings: SessionSettingsSchema,
  current_message_id: v.nullable(v.string()),
  messages: v.array(ExportMessageSchema),
});
export type ExportChat = v.InferOutput<typeof ExportChatSchema>;

/** The chat fields written before its `messages` (the order an export streams them in). */
export type ExportChatHeader = Omit<ExportChat, 'messages'>;

/** True when the first bytes of a file announce our format (the header is written first). */
export function looksLikeOwnFormat(head: string): boolean {
  return new RegExp(`^\\s*\\{\\s*"format"\\s*:\\s*"${EXPORT_FORMAT}"`).test(head);
}

/** Checks the file header fields; throws ChatFieldError for a foreign `format` or a newer `version`. */
export function checkOwnHeader(format: unknown, version: unknown): void {
  if (format !== EXPORT_FORMAT) throw new ChatFieldError('format', `expected "${EXPORT_FORMAT}"`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new ChatFieldError('version', 'expected a positive integer');
  if (version > EXPORT_VERSION) {
    throw new ChatFieldError(
      'version',
      `this file is version ${version}; this Chat Studio reads version ${EXPORT_VERSION} and older`,
    );
  }
}

function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((p) => String(p.key)).join('.') || '(chat)';
}

/**
 * Validates one chat of a version 1 file and converts it to the normalized tree. Messages keep the file's
 * order, which must put every parent before its children.
 *
 * @throws ChatFieldError naming the field (`messages.4.parent_id`, `settings.temperature`, …).
 */
export function fromOwnChat(raw: unknown): TransferChat {
  const parsed = v.safeParse(ExportChatSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new ChatFieldError(issuePath(issue), issue.message);
  }
  const chat = parsed.output;
  const seen = new Set<string>();
  const messages: TransferMessage[] = chat.messages.map((m, i) => {
    if (seen.has(m.id)) throw new ChatFieldError(`messages.${i}.id`, `"${m.id}" appears twice`);
    if (m.parent_id !== null && !seen.has(m.parent_id)) {
      throw new ChatFieldError(`messages.${i}.parent_id`, `"${m.parent_id}" is not an earlier message of this chat`);
    }
    seen.add(m.id);
    const { id, parent_id, created_at, attachments, ...rest } = m;
    const files = attachments?.map((a, j) => fromExportAttachment(a, `messages.${i}.attachments.${j}`));
    return {
      ...rest,
      ref: id,
      parent_ref: parent_id,
      created_at: Date.parse(created_at),
      ...(files && files.length > 0 ? { attachments: files } : {}),
    };
  });
  if (chat.current_message_id !== null && !seen.has(chat.current_message_id)) {
    throw new ChatFieldError('current_message_id', `"${chat.current_message_id}" is not a message of this chat`);
  }
  if (chat.current_message_id === null && messages.length > 0)
    throw new ChatFieldError('current_message_id', 'a chat with messages needs its current message');
  return {
    format: 'chat-studio',
    source_id: chat.id,
    title: chat.title,
    created_at: Date.parse(chat.created_at),
    updated_at: Date.parse(chat.updated_at),
    pinned: chat.pinned,
    archived: chat.archived,
    settings: chat.settings,
    messages,
    current_ref: chat.current_message_id,
    skipped: { nodes: 0, parts: 0 },
  };
}

/**
 * An attachment of the file as the store takes it: the bytes decoded and checked against `size` and `sha256` (a
 * file altered after export is refused, never stored as something else). Its text is extracted on import.
 */
export function fromExportAttachment(a: ExportAttachment, field: string): NewAttachment {
  const bytes = new Uint8Array(Buffer.from(a.data_base64, 'base64'));
  if (bytes.byteLength !== a.size)
    throw new ChatFieldError(`${field}.size`, `is ${a.size}, but data_base64 holds ${bytes.byteLength} bytes`);
  if (createHash('sha256').update(bytes).digest('hex') !== a.sha256)
    throw new ChatFieldError(`${field}.sha256`, 'does not match data_base64: the file was changed after export');
  return { name: a.name, mime: a.mime, bytes, sha256: a.sha256, text: '', tokens: null, chunks: [], chunked: false };
}

/** A message as the file writes it, keys in the documented order. */
export function toExportMessage(m: ExportMessage): ExportMessage {
  return {
    id: m.id,
    parent_id: m.parent_id,
    role: m.role,
    content: m.content,
    created_at: m.created_at,
    status: m.status,
    model_id: m.model_id,
    prompt_tokens: m.prompt_tokens,
    completion_tokens: m.completion_tokens,
    time_to_first_token_ms: m.time_to_first_token_ms,
    tokens_per_second: m.tokens_per_second,
    finish_reason: m.finish_reason,
    ...(m.attachments && m.attachments.length > 0 ? { attachments: m.attachments } : {}),
  };
}
