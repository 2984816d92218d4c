import { describe, expect, it } from 'vitest';
import { ChunkVectorCache, chunkMatrix, nearestChunks } from './chunk-vector-cache.js';

const unit = (values: number[]) => {
  const n = Math.hypot(...values);
  return Float32Array.from(values.map((v) => v / n));
};

describe('nearestChunks', () => {
  it('finds the k nearest over several files, nearest first, exactly as a full sort does', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      id: i + 1,
      embedding: Array.from(unit([Math.sin(i), Math.cos(i * 3), 1])),
    }));
    const a = chunkMatrix(rows.slice(0, 120), 3);
    const b = chunkMatrix(
      rows.slice(120).map((r) => ({ id: r.id, embedding: new Uint8Array(Float32Array.from(r.embedding).buffer) })),
      3,
    );
    const query = unit([0.3, -0.2, 0.9]);
    const expected = rows
      .map((r) => ({ id: r.id, d: 1 - r.embedding.reduce((s, x, j) => s + x * (query[j] ?? 0), 0) }))
      .sort((x, y) => x.d - y.d)
      .slice(0, 7);
    const found = nearestChunks([a, b], query, 7);
    expect(found.map((f) => f.chunkId)).toEqual(expected.map((e) => e.id));
    expect(found[0]?.distance).toBeCloseTo(expected[0]?.d ?? 0, 5);
    expect(nearestChunks([a], query, 0)).toEqual([]);
    expect(nearestChunks([a], unit([1, 0]), 3)).toEqual([]);
  });
});

describe('ChunkVectorCache', () => {
  it('loads once per version and drops the least recently used past its bound', async () => {
    const cache = new ChunkVectorCache(3);
    let loads = 0;
    const load = (n: number) => async () => {
      loads++;
      return chunkMatrix(
        Array.from({ length: n }, (_, i) => ({ id: i, embedding: [1, 0] })),
        2,
      );
    };
    await cache.get('a', 'v1', load(2));
    await cache.get('a', 'v1', load(2));
    expect(loads).toBe(1);
    await cache.get('a', 'v2', load(2));
    expect(loads).toBe(2);
    await cache.get('b', 'v1', load(2));
    // 'a' was dropped for 'b' (2 + 2 > 3): it loads again.
    await cache.get('a', 'v2', load(2));
    expect(loads).toBe(4);
  });
});
