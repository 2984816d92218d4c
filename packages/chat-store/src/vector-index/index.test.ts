import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesPerVector, QuantizedIndex, type VectorBatch, VectorIndex } from './index.js';
import { SCAN_WASM_BASE64 } from './scan-wasm.js';

// Loading a user's copy and the exact reference scans take seconds on a busy 2-core CI machine.
vi.setConfig({ testTimeout: 60_000 });

/** Deterministic unit vectors (a small LCG), so a failure reproduces. */
function vectors(n: number, dims: number, seed = 1): Float32Array {
  let s = seed;
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
      const x = s / 1_073_741_824 - 1;
      out[i * dims + j] = x;
      norm += x * x;
    }
    for (let j = 0; j < dims; j++) out[i * dims + j] = (out[i * dims + j] ?? 0) / Math.sqrt(norm);
  }
  return out;
}

function exactTop(data: Float32Array, dims: number, query: Float32Array, k: number): number[] {
  const scores: [number, number][] = [];
  for (let i = 0; i < data.length / dims; i++) {
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += (data[i * dims + j] ?? 0) * (query[j] ?? 0);
    scores.push([dot, i]);
  }
  return scores
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map(([, i]) => i);
}

describe('QuantizedIndex', () => {
  it('finds the exact top 20 among its top 100 candidates, scores near the cosine', () => {
    const dims = 48; // not a multiple of 16: the padding is exercised
    const data = vectors(20_000, dims);
    const index = new QuantizedIndex(dims);
    for (let i = 0; i < 20_000; i++) index.upsert(`m${i}`, data, i * dims);
    const queries = vectors(10, dims, 7);
    for (let q = 0; q < 10; q++) {
      const query = queries.subarray(q * dims, (q + 1) * dims);
      const exact = exactTop(data, dims, query, 20).map((i) => `m${i}`);
      const found = index.search(query, 100);
      expect(found.ids).toHaveLength(100);
      expect(exact.every((id) => found.ids.includes(id))).toBe(true);
      const best = exact[0] as string;
      let dot = 0;
      const at = Number(best.slice(1)) * dims;
      for (let j = 0; j < dims; j++) dot += (data[at + j] ?? 0) * (query[j] ?? 0);
      expect(Math.abs((found.scores[found.ids.indexOf(best)] ?? 0) - dot)).toBeLessThan(0.01);
    }
  });

  it('replaces, removes and ranks a vector equal to the query first', () => {
    const dims = 64;
    const data = vectors(40_000, dims, 3); // more than one block
    const index = new QuantizedIndex(dims);
    for (let i = 0; i < 40_000; i++) index.upsert(`m${i}`, data, i * dims);
    const query = vectors(1, dims, 99);
    index.upsert('m5', query);
    expect(index.search(query, 1).ids).toEqual(['m5']);
    expect(index.remove('m5')).toBe(true);
    expect(index.remove('m5')).toBe(false);
    expect(index.size).toBe(39_999);
    expect(index.search(query, 5).ids).not.toContain('m5');
    // The last vector moved into m5's slot and is still found as itself.
    const last = data.subarray(39_999 * dims);
    expect(index.search(last, 1).ids).toEqual(['m39999']);
    expect(index.bytes).toBe(39_999 * bytesPerVector(dims));
  });

  it('ranks vectors that share one direction (as a model’s embeddings do) as exactly, with a center', () => {
    const dims = 64;
    const n = 20_000;
    const base = vectors(1, dims, 11);
    const noise = vectors(n + 10, dims, 12);
    // Every vector within ~6° of `base`: the common part would use up most of the int8 steps.
    const clustered = new Float32Array((n + 10) * dims);
    for (let i = 0; i < n + 10; i++)
      for (let j = 0; j < dims; j++) clustered[i * dims + j] = (base[j] ?? 0) + 0.1 * (noise[i * dims + j] ?? 0);
    const data = clustered.subarray(0, n * dims);
    const index = new QuantizedIndex(dims, QuantizedIndex.centerOf(data, dims, 1024));
    for (let i = 0; i < n; i++) index.upsert(`m${i}`, data, i * dims);
    const units = new Float32Array(data.length);
    for (let i = 0; i < n; i++) {
      const row = data.subarray(i * dims, (i + 1) * dims);
      const r = Math.hypot(...row);
      for (let j = 0; j < dims; j++) units[i * dims + j] = (row[j] ?? 0) / r;
    }
    for (let q = 0; q < 10; q++) {
      const query = clustered.subarray((n + q) * dims, (n + q + 1) * dims);
      const norm = Math.hypot(...query);
      const unit = query.map((x) => x / norm);
      const exact = exactTop(units, dims, unit, 20).map((i) => `m${i}`);
      const found = index.search(query, 40);
      expect(exact.filter((id) => found.ids.includes(id))).toEqual(exact);
      const best = Number((exact[0] as string).slice(1));
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += (units[best * dims + j] ?? 0) * (unit[j] ?? 0);
      expect(Math.abs((found.scores[found.ids.indexOf(`m${best}`)] ?? 0) - dot)).toBeLessThan(0.001);
    }
  });

  it('refuses a dimension it cannot sum without overflow', () => {
    expect(() => new QuantizedIndex(5000)).toThrow(RangeError);
  });
});

describe('VectorIndex (worker thread)', () => {
  let index: VectorIndex | undefined;
  afterEach(async () => {
    await index?.close();
  });

  async function* batches(data: Float32Array, dims: number, prefix: string): AsyncIterable<VectorBatch> {
    const n = data.length / dims;
    for (let at = 0; at < n; at += 1000) {
      const end = Math.min(n, at + 1000);
      yield {
        ids: Array.from({ length: end - at }, (_, i) => `${prefix}${at + i}`),
        vectors: data.slice(at * dims, end * dims),
      };
    }
  }

  it('keeps partitions apart and applies upserts and removes in order', async () => {
    index = new VectorIndex();
    const dims = 16;
    const a = vectors(3000, dims, 1);
    const b = vectors(3000, dims, 2);
    await expect(index.load('alice', { dims, count: 3000, batches: () => batches(a, dims, 'a') })).resolves.toBe(true);
    await expect(index.load('bob', { dims, count: 3000, batches: () => batches(b, dims, 'b') })).resolves.toBe(true);
    expect(index.state('alice')).toBe('ready');
    const query = b.subarray(0, dims);
    const alice = await index.search('alice', query, 50);
    expect(alice.ids.every((id) => id.startsWith('a'))).toBe(true);
    expect((await index.search('bob', query, 1)).ids).toEqual(['b0']);
    index.upsert('alice', { ids: ['a-new'], vectors: Float32Array.from(query) });
    expect((await index.search('alice', query, 1)).ids).toEqual(['a-new']);
    index.remove('alice', ['a-new']);
    expect((await index.search('alice', query, 1)).ids).not.toEqual(['a-new']);
    index.drop('alice');
    expect(index.state('alice')).toBe('absent');
    expect((await index.search('alice', query, 1)).ids).toEqual([]);
  });

  it('refuses a partition over the bound and evicts the least recently searched one', async () => {
    const dims = 16;
    index = new VectorIndex({ maxBytes: 2500 * bytesPerVector(dims) });
    const data = vectors(2000, dims, 5);
    expect(await index.load('big', { dims, count: 3000, batches: () => batches(data, dims, 'x') })).toBe(false);
    expect(index.state('big')).toBe('too-large');
    await index.load('one', { dims, count: 2000, batches: () => batches(data, dims, 'o') });
    await index.load('two', { dims, count: 2000, batches: () => batches(data, dims, 't') });
    expect(index.state('one')).toBe('absent');
    expect(index.state('two')).toBe('ready');
    expect(index.bytes).toBeLessThanOrEqual(index.maxBytes);
  });

  it('a write made while loading wins over an older batch read before it', async () => {
    index = new VectorIndex();
    const dims = 16;
    const data = vectors(2000, dims, 8);
    const fresh = vectors(1, dims, 77);
    const current = index;
    async function* slow(): AsyncIterable<VectorBatch> {
      // The first batch was "read" before the write, and carries m0's old vector.
      const first = { ids: ['m0', 'm1'], vectors: data.slice(0, 2 * dims) };
      current.upsert('u', { ids: ['m0'], vectors: fresh });
      current.remove('u', ['m1']);
      yield first;
    }
    await index.load('u', { dims, count: 2, batches: slow });
    expect(index.size('u')).toBe(1);
    expect((await index.search('u', fresh, 1)).scores[0]).toBeGreaterThan(0.99);
  });

  it('a write made while the partition is counted is in it once loaded', async () => {
    index = new VectorIndex();
    const dims = 16;
    const data = vectors(100, dims, 9);
    const late = vectors(1, dims, 123);
    const current = index;
    const loaded = index.load('u', {
      dims,
      count: async () => {
        // Not in the batches below (say, written into a chunk the count did not see).
        current.upsert('u', { ids: ['late'], vectors: late });
        return 100;
      },
      batches: () => batches(data, dims, 'm'),
    });
    expect(index.state('u')).toBe('loading');
    await loaded;
    expect(index.size('u')).toBe(101);
    expect((await index.search('u', late, 1)).ids).toEqual(['late']);
  });
});

describe('scan-wasm.ts', () => {
  it('holds scan.wat as compiled (run build-scan-wasm.mjs after editing scan.wat)', async () => {
    const { default: wabtInit } = await import('wabt');
    const wabt = await wabtInit();
    const source = readFileSync(fileURLToPath(new URL('./scan.wat', import.meta.url)), 'utf8');
    const parsed = wabt.parseWat('scan.wat', source, { simd: true });
    const bytes = Buffer.from(parsed.toBinary({}).buffer);
    parsed.destroy();
    expect(bytes.toString('base64')).toBe(SCAN_WASM_BASE64);
  });
});
