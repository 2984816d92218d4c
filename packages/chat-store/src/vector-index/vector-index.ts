/**
 * The in-process vector index: per partition (one user), an int8 copy of the vectors held by one worker thread and
 * scanned there with WebAssembly SIMD. Back-end neutral: a repository feeds it (`load`, `upsert`, `remove`, `drop`)
 * and re-ranks the candidates of `search` with the exact vectors it stores. Bounded in memory: the partitions share
 * `maxBytes`; the least recently searched ones are evicted to make room, and a partition that alone would exceed it
 * is never loaded (`too-large`: the caller keeps its exact path for that user).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IndexReply, IndexRequest } from './protocol.js';
import { bytesPerVector, type ScanResult } from './quantized-index.js';

/** Vectors of one batch: `vectors` holds `ids.length` vectors of the partition's `dims`, one after the other. */
export interface VectorBatch {
  ids: string[];
  vectors: Float32Array;
}

/** Where a partition stands: `ready` partitions answer `search`. */
export type PartitionState = 'absent' | 'loading' | 'ready' | 'too-large';

/** Options of `VectorIndex`. */
export interface VectorIndexOptions {
  /**
   * Bytes the index may hold over all partitions (estimated per vector: `dims` rounded up to 16, plus 8, plus ~120
   * for its id). Defaults to `DEFAULT_VECTOR_INDEX_BYTES`.
   */
  maxBytes?: number;
  /** After a load fails, how long the partition is not tried again (ms). Defaults to 30 s. */
  retryMs?: number;
}

/** Default of `VectorIndexOptions.maxBytes`: 512 MiB, about 2.9 million vectors of 64 dimensions or 1 million of 384. */
export const DEFAULT_VECTOR_INDEX_BYTES = 512 * 1024 * 1024;

/** What `VectorIndex.load` reads a partition from. */
export interface PartitionSource {
  dims: number;
  /**
   * Vectors the partition holds, checked against the memory bound before `batches` is read. A function is called
   * once the partition is already `loading`, so writes made while it is counted are replayed after the load too.
   */
  count: number | (() => Promise<number>);
  batches: () => AsyncIterable<VectorBatch>;
}

interface Partition {
  state: PartitionState;
  dims: number;
  count: number;
  lastUsed: number;
  /** Writes made while loading, sent again once the load is done (a batch read before them may arrive after). */
  replay?: IndexRequest[];
  failedAt?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

function workerUrl(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../dist/vector-index/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`The vector-index worker is missing (${fileURLToPath(beside)}): build @chat-studio/chat-store`);
}

/**
 * @example
 * const index = new VectorIndex({ maxBytes: 256 * 1024 * 1024 });
 * if (index.state(userId) === 'absent') void index.load(userId, { dims, count, batches });
 * if (index.state(userId) === 'ready') candidates = await index.search(userId, query, 100);
 */
export class VectorIndex {
  readonly maxBytes: number;
  readonly #retryMs: number;
  readonly #partitions = new Map<string, Partition>();
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #nextId = 1;
  #clock = 0;
  #closed = false;
  #scans = 0;

  constructor(options: VectorIndexOptions = {}) {
    this.maxBytes = Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_VECTOR_INDEX_BYTES));
    this.#retryMs = options.retryMs ?? 30_000;
  }

  /** Where partition `key` stands. */
  state(key: string): PartitionState {
    return this.#partitions.get(key)?.state ?? 'absent';
  }

  /** Vectors held for `key` (as far as this thread knows). */
  size(key: string): number {
    return this.#partitions.get(key)?.count ?? 0;
  }

  /** Scans answered so far (for tests and figures: whether searches went through the index). */
  get scans(): number {
    return this.#scans;
  }

  /** Estimated bytes held over all partitions. */
  get bytes(): number {
    let total = 0;
    for (const p of this.#partitions.values()) if (p.state !== 'too-large') total += p.count * bytesPerVector(p.dims);
    return total;
  }

  /** Whether a load of `key` may start now: absent, and not within the retry delay of a failed one. */
  canLoad(key: string): boolean {
    const p = this.#partitions.get(key);
    if (!p) return true;
    return p.state === 'absent' && Date.now() - (p.failedAt ?? 0) >= this.#retryMs;
  }

  /**
   * Builds partition `key` from `source`. Resolves `true` once it is ready, `false` when it would exceed `maxBytes`
   * (state `too-large`) or was dropped meanwhile; rejects when reading fails (the partition is absent again).
   */
  async load(key: string, source: PartitionSource): Promise<boolean> {
    if (this.#closed || !this.canLoad(key)) return false;
    const partition: Partition = { state: 'loading', dims: source.dims, count: 0, lastUsed: ++this.#clock, replay: [] };
    this.#partitions.set(key, partition);
    try {
      const count = typeof source.count === 'number' ? source.count : await source.count();
      if (this.#partitions.get(key) !== partition) return false;
      const need = count * bytesPerVector(source.dims);
      if (need > this.maxBytes) {
        this.#partitions.set(key, { ...partition, state: 'too-large', count, replay: undefined });
        // Writes sent while counting are dropped with it.
        this.#post({ op: 'drop', key });
        return false;
      }
      this.#evict(need, key);
      for await (const batch of source.batches()) {
        if (this.#partitions.get(key) !== partition) return false;
        await this.#send({ op: 'upsert', key, dims: source.dims, ids: batch.ids, vectors: batch.vectors });
        partition.count += batch.ids.length;
      }
      if (this.#partitions.get(key) !== partition) return false;
      for (const request of partition.replay ?? []) await this.#send(request);
      partition.replay = undefined;
      partition.count = (await this.#send({ op: 'remove', key, ids: [] })) as number;
      partition.state = 'ready';
      return true;
    } catch (error) {
      if (this.#partitions.get(key) === partition) {
        this.#partitions.set(key, { ...partition, state: 'absent', count: 0, replay: undefined, failedAt: Date.now() });
        this.#post({ op: 'drop', key });
      }
      throw error;
    }
  }

  /** Stores or replaces vectors of a loaded (or loading) partition; others are left alone (they load later). */
  upsert(key: string, batch: VectorBatch): void {
    const p = this.#partitions.get(key);
    if (!p || (p.state !== 'ready' && p.state !== 'loading') || batch.ids.length === 0) return;
    const request: IndexRequest = { op: 'upsert', key, dims: p.dims, ids: batch.ids, vectors: batch.vectors };
    p.replay?.push(request);
    this.#post(request, (size) => {
      p.count = size as number;
      if (p.count * bytesPerVector(p.dims) > this.maxBytes) this.#tooLarge(key, p);
      else this.#evict(0, key);
    });
  }

  /** Forgets vectors of a partition (deleted messages). */
  remove(key: string, ids: readonly string[]): void {
    const p = this.#partitions.get(key);
    if (!p || (p.state !== 'ready' && p.state !== 'loading') || ids.length === 0) return;
    const request: IndexRequest = { op: 'remove', key, ids: [...ids] };
    p.replay?.push(request);
    this.#post(request, (size) => {
      p.count = size as number;
    });
  }

  /** Drops one partition, or every one (`key` omitted): the next search of it loads it again. */
  drop(key?: string): void {
    if (key === undefined) this.#partitions.clear();
    else this.#partitions.delete(key);
    if (this.#worker) this.#post({ op: 'drop', key: key ?? null });
  }

  /** The `k` best candidates of a `ready` partition by the int8 scan, best first (approximate scores). */
  async search(key: string, query: Float32Array, k: number): Promise<ScanResult> {
    const p = this.#partitions.get(key);
    if (p?.state !== 'ready') return { ids: [], scores: [] };
    p.lastUsed = ++this.#clock;
    this.#scans++;
    return (await this.#send({ op: 'search', key, query: Float32Array.from(query), k })) as ScanResult;
  }

  /** Stops the worker; the index holds nothing afterwards. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#partitions.clear();
    const worker = this.#worker;
    this.#worker = undefined;
    this.#fail(new Error('The vector index is closed.'));
    await worker?.terminate();
  }

  #tooLarge(key: string, p: Partition): void {
    this.#partitions.set(key, { state: 'too-large', dims: p.dims, count: p.count, lastUsed: p.lastUsed });
    this.#post({ op: 'drop', key });
  }

  /** Evicts the least recently searched ready partitions (never `keep`) until `extra` more bytes fit. */
  #evict(extra: number, keep: string): void {
    while (this.bytes + extra > this.maxBytes) {
      let victim: string | undefined;
      let oldest = Number.POSITIVE_INFINITY;
      for (const [key, p] of this.#partitions)
        if (key !== keep && p.state === 'ready' && p.lastUsed < oldest) {
          victim = key;
          oldest = p.lastUsed;
        }
      if (victim === undefined) return;
      this.drop(victim);
    }
  }

  #send(request: IndexRequest): Promise<unknown> {
    return new Promise((resolve, reject) => this.#post(request, resolve, reject));
  }

  #post(request: IndexRequest, resolve: (value: unknown) => void = () => {}, reject: (e: Error) => void = () => {}) {
    if (this.#closed) {
      reject(new Error('The vector index is closed.'));
      return;
    }
    const worker = this.#start();
    const id = this.#nextId++;
    this.#pending.set(id, { resolve, reject });
    worker.ref();
    // A copy goes over: the caller may reuse its arrays.
    worker.postMessage({ id, request });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerUrl());
    worker.unref();
    worker.on('message', (reply: IndexReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.error) pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      else pending.resolve(reply.value);
    });
    const lost = (error: Error) => {
      if (this.#worker !== worker) return;
      // Its partitions are gone with it: every one loads again on its next search.
      this.#worker = undefined;
      this.#partitions.clear();
      this.#fail(error);
    };
    worker.on('error', (error) => lost(new Error(`The vector-index worker failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new Error(`The vector-index worker exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  #fail(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
