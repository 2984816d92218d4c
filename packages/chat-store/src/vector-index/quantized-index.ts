/**
 * One partition (one user's vectors) of the in-process vector index: every vector as int8 components with one float
 * scale, in blocks of WebAssembly memory scanned with SIMD (scan.wat). A scan compares every vector: at 1,000,000
 * vectors of 64 dimensions it reads 64 MB in a few milliseconds. The int8 scores are approximate (about 1e-3 off), so
 * callers ask for more candidates than they need and re-rank them with the exact vectors.
 */
import { SCAN_WASM_BASE64 } from './scan-wasm.js';

/** Vectors per block: one WebAssembly memory each, so growing never copies what is stored. */
const BLOCK_VECTORS = 32_768;
/** The query's int16 lanes reach this, so |Σ code × query| stays under 2^31 up to `MAX_INDEX_DIMS`. */
const QUERY_SCALE = 4095;
/** Longest vector the index takes (int32 sums of int8 × int16 products must not overflow). */
export const MAX_INDEX_DIMS = 4096;
const WASM_PAGE = 65_536;

/** The part of Node's WebAssembly API used here (this package's TypeScript libs carry no WebAssembly typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let scanModule: object | undefined;
function compiledScan(): object {
  scanModule ??= new wasm.Module(Buffer.from(SCAN_WASM_BASE64, 'base64'));
  return scanModule;
}

type ScanFn = (codes: number, scales: number, n: number, dims: number, query: number, out: number) => void;

interface Block {
  scan: ScanFn;
  codes: Int8Array;
  scales: Float32Array;
  out: Float32Array;
  query: Int16Array;
  /** Byte offsets inside the block's memory. */
  at: { scales: number; out: number; query: number };
}

/** The candidates of one scan, best first; `scores` approximate the cosine similarity. */
export interface ScanResult {
  ids: string[];
  scores: number[];
}

function padded(dims: number): number {
  return Math.ceil(dims / 16) * 16;
}

/** Bytes the index holds for one vector of `dims`, the id and its map entry included (an estimate for ids of ~26 characters). */
export function bytesPerVector(dims: number): number {
  return padded(dims) + 8 + 120;
}

function newBlock(stride: number): Block {
  const scales = BLOCK_VECTORS * stride;
  const out = scales + BLOCK_VECTORS * 4;
  const query = out + BLOCK_VECTORS * 4;
  const memory = new wasm.Memory({ initial: Math.ceil((query + stride * 2) / WASM_PAGE) });
  const instance = new wasm.Instance(compiledScan(), { env: { memory } });
  return {
    scan: instance.exports.scan as ScanFn,
    codes: new Int8Array(memory.buffer, 0, BLOCK_VECTORS * stride),
    scales: new Float32Array(memory.buffer, scales, BLOCK_VECTORS),
    out: new Float32Array(memory.buffer, out, BLOCK_VECTORS),
    query: new Int16Array(memory.buffer, query, stride),
    at: { scales, out, query },
  };
}

/** A bounded min-heap of the best `k` (score, slot) pairs. */
class TopK {
  readonly scores: Float64Array;
  readonly slots: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }
  get floor(): number {
    return this.size < this.k ? Number.NEGATIVE_INFINITY : (this.scores[0] ?? 0);
  }
  push(score: number, slot: number): void {
    const { scores, slots } = this;
    let i: number;
    if (this.size < this.k) {
      i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((scores[parent] ?? 0) <= score) break;
        scores[i] = scores[parent] ?? 0;
        slots[i] = slots[parent] ?? 0;
        i = parent;
      }
    } else {
      i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= this.size) break;
        const r = l + 1;
        const c = r < this.size && (scores[r] ?? 0) < (scores[l] ?? 0) ? r : l;
        if ((scores[c] ?? 0) >= score) break;
        scores[i] = scores[c] ?? 0;
        slots[i] = slots[c] ?? 0;
        i = c;
      }
    }
    scores[i] = score;
    slots[i] = slot;
  }
}

/**
 * The int8 copy of one partition's vectors. Not thread-safe and synchronous: it lives in the index's worker thread.
 *
 * @example
 * const index = new QuantizedIndex(64);
 * index.upsert('m1', vector);
 * const { ids } = index.search(query, 100); // then re-rank `ids` with the exact vectors
 */
export class QuantizedIndex {
  readonly stride: number;
  readonly #blocks: Block[] = [];
  readonly #ids: string[] = [];
  readonly #slots = new Map<string, number>();

  /**
   * Subtracted from every unit vector before it is quantized: q·v = q·(v − center) + q·center, and q·center is the
   * same for every vector, so the ranking is unchanged while the int8 steps cover only what tells vectors apart.
   * Embeddings of one model share a large common direction (the test model's lie within a few degrees of each
   * other), which would otherwise use up most of the 8 bits.
   */
  readonly #center: Float64Array;

  constructor(
    readonly dims: number,
    center?: Float32Array,
  ) {
    if (!Number.isInteger(dims) || dims < 1 || dims > MAX_INDEX_DIMS)
      throw new RangeError(`An index vector has 1 to ${MAX_INDEX_DIMS} dimensions, not ${dims}.`);
    this.stride = padded(dims);
    this.#center = new Float64Array(dims);
    if (center) for (let j = 0; j < dims; j++) this.#center[j] = center[j] ?? 0;
  }

  /** The mean of the unit vectors in `vectors` (`count` of them, `dims` each): a good `center` for their partition. */
  static centerOf(vectors: Float32Array, dims: number, count: number): Float32Array {
    const sum = new Float64Array(dims);
    for (let i = 0; i < count; i++) {
      let norm = 0;
      for (let j = 0; j < dims; j++) norm += (vectors[i * dims + j] ?? 0) ** 2;
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < dims; j++) sum[j] = (sum[j] ?? 0) + (vectors[i * dims + j] ?? 0) * inv;
    }
    return Float32Array.from(sum, (x) => x / Math.max(1, count));
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.size * bytesPerVector(this.dims);
  }

  has(id: string): boolean {
    return this.#slots.has(id);
  }

  /** Stores (or replaces) the vector of `id`; `vector` is read from `offset` for `dims` floats. */
  upsert(id: string, vector: Float32Array, offset = 0): void {
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#ids.length;
      if (slot === this.#blocks.length * BLOCK_VECTORS) this.#blocks.push(newBlock(this.stride));
      this.#ids.push(id);
      this.#slots.set(id, slot);
    }
    this.#write(slot, vector, offset);
  }

  /** Forgets `id` (the last vector moves into its slot). Returns whether it was there. */
  remove(id: string): boolean {
    const slot = this.#slots.get(id);
    if (slot === undefined) return false;
    const last = this.#ids.length - 1;
    const lastId = this.#ids[last] as string;
    if (slot !== last) {
      const from = this.#block(last);
      const to = this.#block(slot);
      const f = last % BLOCK_VECTORS;
      const t = slot % BLOCK_VECTORS;
      to.codes.set(from.codes.subarray(f * this.stride, (f + 1) * this.stride), t * this.stride);
      to.scales[t] = from.scales[f] ?? 0;
      this.#ids[slot] = lastId;
      this.#slots.set(lastId, slot);
    }
    this.#ids.pop();
    this.#slots.delete(id);
    if (this.#ids.length <= (this.#blocks.length - 1) * BLOCK_VECTORS) this.#blocks.pop();
    return true;
  }

  /** The `k` vectors of highest approximate cosine similarity to `query`, best first. */
  search(query: Float32Array, k: number): ScanResult {
    const top = new TopK(Math.max(1, Math.min(k, this.size)));
    const { lanes: q, unit, offset } = this.#quantizeQuery(query);
    for (let b = 0; b < this.#blocks.length; b++) {
      const block = this.#blocks[b] as Block;
      const n = Math.min(BLOCK_VECTORS, this.size - b * BLOCK_VECTORS);
      if (n <= 0) break;
      block.query.set(q);
      block.scan(0, block.at.scales, n, this.stride, block.at.query, block.at.out);
      const out = block.out;
      let floor = top.floor;
      for (let i = 0; i < n; i++) {
        const score = out[i] as number;
        if (score > floor) {
          top.push(score, b * BLOCK_VECTORS + i);
          floor = top.floor;
        }
      }
    }
    const order = Array.from({ length: top.size }, (_, i) => i).sort(
      (a, b) => (top.scores[b] ?? 0) - (top.scores[a] ?? 0),
    );
    return {
      ids: order.map((i) => this.#ids[top.slots[i] ?? 0] as string),
      scores: order.map((i) => ((top.scores[i] ?? 0) * unit) / QUERY_SCALE + offset),
    };
  }

  #block(slot: number): Block {
    return this.#blocks[Math.floor(slot / BLOCK_VECTORS)] as Block;
  }

  /** int8 components of the unit vector less the center, with the scale that maps them back. */
  #write(slot: number, vector: Float32Array, offset: number): void {
    const block = this.#block(slot);
    const i = slot % BLOCK_VECTORS;
    const base = i * this.stride;
    let norm = 0;
    for (let j = 0; j < this.dims; j++) norm += (vector[offset + j] ?? 0) ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const residual = new Float64Array(this.dims);
    let max = 0;
    for (let j = 0; j < this.dims; j++) {
      const r = (vector[offset + j] ?? 0) * inv - (this.#center[j] ?? 0);
      residual[j] = r;
      max = Math.max(max, Math.abs(r));
    }
    block.codes.fill(0, base, base + this.stride);
    block.scales[i] = max / 127;
    if (max === 0) return;
    const toCode = 127 / max;
    for (let j = 0; j < this.dims; j++) block.codes[base + j] = Math.round((residual[j] ?? 0) * toCode);
  }

  /**
   * int16 lanes of the query; `unit` turns a scan's score into (q · residual) / |q| × QUERY_SCALE, and `offset` is
   * q · center / |q|, the part every vector shares.
   */
  #quantizeQuery(query: Float32Array): { lanes: Int16Array; unit: number; offset: number } {
    const q = new Int16Array(this.stride);
    let norm = 0;
    let max = 0;
    let shared = 0;
    for (let j = 0; j < this.dims; j++) {
      const x = query[j] ?? 0;
      norm += x * x;
      max = Math.max(max, Math.abs(x));
      shared += x * (this.#center[j] ?? 0);
    }
    if (max === 0) return { lanes: q, unit: 0, offset: 0 };
    // The lanes use the full int16 budget; the score is divided back by the query's own scale.
    const toLane = QUERY_SCALE / max;
    for (let j = 0; j < this.dims; j++) q[j] = Math.round((query[j] ?? 0) * toLane);
    return { lanes: q, unit: max / Math.sqrt(norm), offset: shared / Math.sqrt(norm) };
  }
}
