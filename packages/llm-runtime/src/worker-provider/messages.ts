/** The messages between the worker-hosted provider's proxy (main thread) and its worker. */
import type {
  CompleteRequest,
  EmbeddingModelStatus,
  EmbedRequest,
  GenerateRequest,
  PreloadRequest,
  ProviderStatus,
  ToolCallDelta,
} from '../provider/index.js';
import type { WireError } from './wire-error.js';

/** What the main thread mirrors so that the provider's synchronous reads need no round trip. */
export interface WorkerMeta {
  status: ProviderStatus;
  contextSize: number | null;
  embedding: EmbeddingModelStatus | null;
}

/** A generation request without what cannot cross threads (callbacks, the signal); flags say which callbacks exist. */
export type WireGenerateRequest = Omit<GenerateRequest, 'signal' | 'onToken' | 'onToolCall'> & WireStreamFlags;
/** A completion request as it crosses to the worker. */
export type WireCompleteRequest = Omit<CompleteRequest, 'signal' | 'onToken'> & WireStreamFlags;
/** An embedding request as it crosses to the worker. */
export type WireEmbedRequest = Omit<EmbedRequest, 'signal'> & WireStreamFlags;

/** Which of the request's callbacks the main thread has, and whether its signal was aborted before it was sent. */
export interface WireStreamFlags {
  streamTokens?: boolean;
  streamToolCalls?: boolean;
  /** The signal's reason, when it was aborted before the request was sent. */
  aborted?: WireError;
}

/** A call from the main thread; each carries an id its answer repeats. */
export type WorkerCall =
  | { op: 'load'; id: number; modelId: string }
  | { op: 'unload' | 'listModels' | 'loadEmbeddingModel' | 'close'; id: number }
  | { op: 'generate'; id: number; request: WireGenerateRequest; startedAtEpoch?: number }
  | { op: 'complete'; id: number; request: WireCompleteRequest; startedAtEpoch?: number }
  | { op: 'embed'; id: number; request: WireEmbedRequest };

/**
 * An abort, over a port of its own: the worker reads it between two tokens (told by {@link SHARED_ABORTS}) without
 * waiting for its event loop to reach it, so a stream stops as soon after the caller's abort as in-process.
 */
export interface AbortCall {
  id: number;
  reason: WireError;
}

/** A synchronous call (the main thread waits on it): over its own port. */
export type SyncCall =
  | { op: 'countTokens'; id: number; text: string }
  | { op: 'preload'; id: number; request: PreloadRequest };

/** The answer to a {@link SyncCall}. */
export interface SyncAnswer {
  id: number;
  value: unknown;
}

/** One item of a stream, in generation order: a piece of text, or a piece of a tool call. */
export type StreamItem = { text: string } | { call: ToolCallDelta };

/** What the worker sends: state, load progress, token batches and answers. */
export type WorkerEvent =
  | { kind: 'meta'; meta: WorkerMeta }
  | { kind: 'progress'; id: number; progress: number; meta: WorkerMeta }
  | { kind: 'stream'; id: number; items: StreamItem[] }
  | { kind: 'done'; id: number; value: unknown; meta: WorkerMeta }
  | { kind: 'fail'; id: number; error: WireError; meta: WorkerMeta };

/** Slot of the shared Int32Array set when a synchronous answer is posted. */
export const SHARED_SYNC_FLAG = 0;
/** Slot counting the pieces generated on the worker. */
export const SHARED_TOKENS = 1;
/** Slot counting the aborts posted, so the worker knows when to read its abort port. */
export const SHARED_ABORTS = 2;
/** Bytes of the shared buffer: three Int32 slots. */
export const SHARED_BYTES = 12;
