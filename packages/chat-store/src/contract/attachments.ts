/**
 * What the attachment routes and the prompt builder need from the store. chat-store's `AttachmentsRepository`
 * implements it on both back ends; fast unit tests use a fake.
 */
import type { AttachmentChunkInfo, AttachmentSource, AttachmentState, AttachmentSummary } from '@chat-studio/protocol';

/** A chunk of a large file's extracted text, as stored. */
export interface AttachmentChunkInput extends AttachmentChunkInfo {
  text: string;
}

/** A chunk found for a question: the chunk, its file, and its full-text rank (lower is better). */
export interface AttachmentChunkHit extends AttachmentChunkInput {
  attachment_id: string;
  name: string;
  rank: number;
}

/** A file to store: its bytes (stored once per user by sha256), the extracted text and the chunks of a large one. */
export interface NewAttachment {
  name: string;
  mime: string;
  bytes: Uint8Array;
  sha256: string;
  text: string;
  tokens: number | null;
  /** Empty for a file small enough to always go whole. */
  chunks: AttachmentChunkInput[];
  chunked: boolean;
  state?: AttachmentState;
  /** The chat it was uploaded in, so that chat's composer offers it again while unsent; null or absent: none. */
  sessionId?: string | null;
}

/** Options of {@link AttachmentsRepository.bind}. */
export interface BindOptions {
  /**
   * An edit's original message: ids bound to it are copied (a new row on the same stored bytes, text and chunks),
   * so the new version carries them and the original keeps its own.
   */
  copyFrom?: string;
}

/** A file whose chunks were cut short (the process died while writing them): see {@link AttachmentsRepository.unfinishedChunks}. */
export interface UnfinishedChunks {
  userId: string;
  id: string;
  name: string;
  mime: string;
}

/** The store side of attachments; every call is scoped by `userId` (another user's id reads as missing). */
export interface AttachmentsRepository {
  /**
   * Stores the file; throws an error with code `attachment_quota_exceeded` when the user's quota would be passed.
   * On SQLite the chunks of a large file are written in short transactions that yield to the event loop between
   * them; until the last is written the file takes no part in retrieval (`searchChunks`, `firstChunks`, chunk-vector
   * search), and a file cut short by a crash is listed by `unfinishedChunks`. Throws `attachment_not_found` when the
   * file was deleted meanwhile.
   */
  create(userId: string, input: NewAttachment, options: { quotaBytes: number }): Promise<AttachmentSummary>;
  get(userId: string, id: string): Promise<AttachmentSummary | undefined>;
  /** The original bytes. */
  content(userId: string, id: string): Promise<{ summary: AttachmentSummary; bytes: Uint8Array } | undefined>;
  /** The extracted text and where its chunks lie. */
  text(userId: string, id: string): Promise<{ text: string; chunks: AttachmentChunkInfo[] } | undefined>;
  /** Deletes an unsent attachment; a sent one stays (it goes with its message). */
  deleteUnsent(userId: string, id: string): Promise<'deleted' | 'sent' | 'missing'>;
  /** Which of these sha256 keys the user already has bytes for (they take no more room). */
  knownBlobs(userId: string, sha256s: readonly string[]): Promise<Set<string>>;
  /**
   * The user's unsent attachments (drafts: kept until deleted), newest first; with `sessionId`, those uploaded in
   * that chat.
   */
  listUnsent(userId: string, options?: { sessionId?: string }): Promise<AttachmentSummary[]>;
  /** Bytes of the user's distinct stored files (what the quota counts). */
  usedBytes(userId: string): Promise<number>;
  /**
   * Binds unsent attachments to a user message, in the order given (ids sent with `options.copyFrom` are copied to
   * it); throws an error with code `attachment_not_found` (binding none) when one is missing, another user's or
   * already sent with another message.
   */
  bind(userId: string, messageId: string, ids: readonly string[], options?: BindOptions): Promise<AttachmentSummary[]>;
  /** Makes a message's attachments unsent again (before a refused turn's message is removed). */
  unbind(userId: string, messageId: string): Promise<void>;
  /** Attachments of each message that has any, in the order they were bound. */
  forMessages(userId: string, messageIds: readonly string[]): Promise<Map<string, AttachmentSummary[]>>;
  /** Records the token count once a model could count it. */
  setTokens(userId: string, id: string, tokens: number): Promise<void>;
  /** The best chunks of these attachments for `query` by full-text rank, best first. */
  searchChunks(
    userId: string,
    options: { attachmentIds: readonly string[]; query: string; limit: number },
  ): Promise<AttachmentChunkHit[]>;
  /** Chunks by ordinal (the first ones when a query matches nothing). */
  firstChunks(userId: string, attachmentId: string, limit: number): Promise<AttachmentChunkHit[]>;
  /**
   * Files whose chunks were cut short (the process died while `create` wrote them): the caller chunks each again
   * from its stored bytes and hands the chunks to `replaceChunks`. Always empty on PostgreSQL (one transaction).
   */
  unfinishedChunks(): Promise<UnfinishedChunks[]>;
  /**
   * Replaces the file's chunks (and so its vectors) with `chunks`, written as `create` writes them, and marks them
   * complete; false when the file is missing or another user's.
   */
  replaceChunks(userId: string, id: string, chunks: readonly AttachmentChunkInput[]): Promise<boolean>;
  /**
   * Deletes the chunks (with their full-text entries and vectors) of files deleted before, a batch at a time, and
   * resolves once none are left with how many went. Deleting a file (a draft, or with its message, chat or user)
   * deletes its row at once, in a short transaction: from then on no read sees it or its chunks. Its chunks follow in
   * the background, as this does: a file of ~18,000 chunks deleted in one transaction held SQLite's event loop for
   * seconds. The store starts it itself after each such delete and when it opens (a crash mid-way resumes then); a
   * caller awaits it only to know they are gone (tests, a benchmark). 0 on a read-only store.
   */
  purgeDeleted(): Promise<number>;
  /** The sources a reply was given. */
  setSources(userId: string, messageId: string, sources: readonly AttachmentSource[]): Promise<void>;
  sourcesFor(userId: string, messageIds: readonly string[]): Promise<Map<string, AttachmentSource[]>>;
}
