/**
 * Worker threads that extract and chunk documents off the event loop: a 300-page PDF takes seconds of CPU, during
 * which the API must keep answering. A small pool with a queue; each job has a time and memory limit, and a worker
 * that dies or overruns is replaced.
 */
import { Worker } from 'node:worker_threads';
import { AttachmentUnreadableError, AttachmentUnsupportedError } from './errors.js';
import type { ChunkOptions, DocumentChunk, DocumentKind, ExtractedDocument } from './types.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';
import { extractionWorkerUrl } from './worker-url.js';

/** Limits of an extraction pool. */
export interface ExtractionPoolOptions {
  /** Worker threads, i.e. files extracted at once; default 1. */
  workers?: number;
  /** A file that takes longer is refused as unreadable and its worker replaced; default 120,000 ms. */
  timeoutMs?: number;
  /** Heap limit of each worker in MiB: a hostile file cannot take the server's memory; default 1,024. */
  maxMemoryMb?: number;
  /** An idle worker exits after this long, giving its memory back; default 30,000 ms. */
  idleMs?: number;
  /** The worker script; default the built `extraction-worker.js`. */
  workerUrl?: URL;
}

interface Job {
  request: WorkerRequest;
  resolve: (result: ExtractedDocument | DocumentChunk[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/** A queue of files and the worker threads that extract them. */
export class ExtractionPool {
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxMemoryMb: number;
  private readonly idleMs: number;
  private readonly workerUrl: URL | undefined;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private completed = 0;
  private closed = false;

  constructor(options: ExtractionPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? 1));
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.maxMemoryMb = options.maxMemoryMb ?? 1024;
    this.idleMs = options.idleMs ?? 30_000;
    this.workerUrl = options.workerUrl;
  }

  /** Extracts one file of a known kind in a worker. The caller's bytes are copied, never detached. */
  run(kind: DocumentKind, bytes: Uint8Array, name: string): Promise<ExtractedDocument> {
    // A copy of its own, whose buffer is transferred: `Buffer#slice` shares memory, so `slice()` on a caller's Buffer
    // and transferring its buffer would detach the caller's bytes.
    const copy = new Uint8Array(bytes);
    const request: WorkerRequest = { id: this.nextId++, op: 'extract', kind, name, bytes: copy };
    return this.enqueue(request) as Promise<ExtractedDocument>;
  }

  /** Chunks a document in a worker (see `chunkDocument`); `name` is for error messages. */
  chunk(document: ExtractedDocument, options: ChunkOptions, name = 'The document'): Promise<DocumentChunk[]> {
    const request: WorkerRequest = { id: this.nextId++, op: 'chunk', name, document, maxChars: options.maxChars };
    return this.enqueue(request) as Promise<DocumentChunk[]>;
  }

  private enqueue(request: WorkerRequest): Promise<ExtractedDocument | DocumentChunk[]> {
    if (this.closed) return Promise.reject(new Error('The extraction pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  /** Workers running, busy, files waiting and files done: for tests and health. */
  stats(): { workers: number; busy: number; queued: number; completed: number } {
    const busy = [...this.slots].filter((slot) => slot.job).length;
    return { workers: this.slots.size, busy, queued: this.queue.length, completed: this.completed };
  }

  /** Refuses new files, fails waiting ones and ends every worker. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const job of this.queue.splice(0)) job.reject(new Error('The extraction pool closed before this file.'));
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new Error('The extraction pool closed.'))));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((candidate) => !candidate.job) ?? this.spawn();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      this.assign(slot, job);
    }
    this.scheduleIdleExit();
  }

  private spawn(): Slot | null {
    if (this.slots.size >= this.size) return null;
    let worker: Worker;
    try {
      worker = new Worker(this.workerUrl ?? extractionWorkerUrl(), {
        resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb },
      });
    } catch (error) {
      // No worker can start (script missing): every waiting file fails with the reason rather than hanging.
      for (const job of this.queue.splice(0)) job.reject(error as Error);
      return null;
    }
    const slot: Slot = { worker, job: null, timer: null };
    worker.on('message', (response: WorkerResponse) => this.settle(slot, response));
    worker.on('error', (error) => void this.retire(slot, this.crashError(slot, error)));
    worker.on('exit', () => void this.retire(slot, new Error('The extraction worker exited.')));
    this.slots.add(slot);
    return slot;
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      const seconds = Math.round(this.timeoutMs / 1000);
      const name = job.request.name;
      void this.retire(slot, new AttachmentUnreadableError(`${name} took longer than ${seconds} s to read.`));
    }, this.timeoutMs);
    const transfer = job.request.op === 'extract' ? [job.request.bytes.buffer as ArrayBuffer] : [];
    slot.worker.postMessage(job.request, transfer);
  }

  private settle(slot: Slot, response: WorkerResponse): void {
    const job = slot.job;
    if (!job || job.request.id !== response.id) return;
    this.release(slot);
    this.completed++;
    if (!response.ok) job.reject(errorFromWorker(response.code, response.message));
    else job.resolve('chunks' in response ? response.chunks : response.document);
    this.dispatch();
  }

  /** The slot is free again; an idle worker must not keep the process alive. */
  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }

  /** Ends a worker (if still running), failing its file with `error`, and lets the queue move on. */
  private async retire(slot: Slot, error: Error): Promise<void> {
    if (!this.slots.delete(slot)) return;
    const job = slot.job;
    this.release(slot);
    job?.reject(error);
    await slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  private crashError(slot: Slot, error: Error): Error {
    const name = slot.job?.request.name ?? 'The file';
    if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY')
      return new AttachmentUnreadableError(`${name} needs more than ${this.maxMemoryMb} MiB of memory to read.`);
    return error;
  }

  private scheduleIdleExit(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      for (const slot of this.slots) if (!slot.job) void this.retire(slot, new Error('idle'));
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

/** Rebuilds the named error a worker reported; other failures are defects and stay plain errors. */
function errorFromWorker(code: string | null, message: string): Error {
  if (code === 'attachment_unreadable') return new AttachmentUnreadableError(message);
  if (code === 'attachment_unsupported') return new AttachmentUnsupportedError(message);
  return new Error(`Extraction failed: ${message}`);
}
