/** The normalized chat tree every import format is turned into, and every export is made from. */
import type { FinishReason, MessageRole, MessageStatus, SessionSettings } from '@chat-studio/protocol';
import type { NewAttachment } from '../contract/attachments.js';

/** Formats `readChats` recognizes from a file's content. */
export const TRANSFER_FORMATS = ['chat-studio', 'chatgpt', 'open-webui'] as const;
export type TransferFormat = (typeof TRANSFER_FORMATS)[number];

/** One message of an imported chat; `ref` and `parent_ref` are the source's ids, not ours. */
export interface TransferMessage {
  ref: string;
  /** `null` for a root (the first message of a chat, or of another root branch). */
  parent_ref: string | null;
  role: MessageRole;
  content: string;
  /** Epoch milliseconds. */
  created_at: number;
  status: MessageStatus;
  model_id: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  time_to_first_token_ms: number | null;
  tokens_per_second: number | null;
  finish_reason: FinishReason | null;
  /**
   * Files the message was sent with (Chat Studio files, version 2), checked against their sha256; their text is
   * extracted by the importer's `prepareAttachment` before the chat is stored.
   */
  attachments?: NewAttachment[];
}

/** What a parser left out of a chat, for the import summary. */
export interface SkippedCounts {
  /** Nodes without a message of ours: empty or hidden nodes, tool calls and their output. */
  nodes: number;
  /** Non-text parts (images, files, audio, reasoning) of messages that were kept or skipped. */
  parts: number;
}

/**
 * One chat in normalized form: messages ordered so that every parent comes before its children, siblings in
 * the source's order.
 */
export interface TransferChat {
  format: TransferFormat;
  /** The chat's id in the source; with `format` it tells a repeated import of the same chat. */
  source_id: string;
  title: string;
  /** Epoch milliseconds. */
  created_at: number;
  updated_at: number;
  pinned: boolean;
  archived: boolean;
  settings: SessionSettings;
  messages: TransferMessage[];
  /** The `ref` of the message the chat shows (its current leaf); `null` when the chat has no message. */
  current_ref: string | null;
  skipped: SkippedCounts;
}

/** A message with every optional statistic empty, for formats that carry none. */
export function plainMessage(
  fields: Pick<TransferMessage, 'ref' | 'parent_ref' | 'role' | 'content' | 'created_at'> & Partial<TransferMessage>,
): TransferMessage {
  return {
    status: 'complete',
    model_id: null,
    prompt_tokens: null,
    completion_tokens: null,
    time_to_first_token_ms: null,
    tokens_per_second: null,
    finish_reason: null,
    ...fields,
  };
}
