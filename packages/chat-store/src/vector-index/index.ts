/**
 * The in-process vector index (back-end neutral): an int8 copy of each loaded user's vectors in a worker thread,
 * scanned with WebAssembly SIMD; callers re-rank its candidates with their exact vectors. See vector-index.ts.
 */
export { bytesPerVector, MAX_INDEX_DIMS, QuantizedIndex, type ScanResult } from './quantized-index.js';
export {
  DEFAULT_VECTOR_INDEX_BYTES,
  type PartitionSource,
  type PartitionState,
  type VectorBatch,
  VectorIndex,
  type VectorIndexOptions,
} from './vector-index.js';
