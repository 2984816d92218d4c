import { open } from 'node:fs/promises';
import { FileCursor } from './file-cursor.js';
import { GgufFormatError } from './gguf-format-error.js';

/** A metadata value as the registry keeps it: scalars and strings as they are, arrays by their element type and length. */
export type GgufValue = number | bigint | boolean | string | { readonly arrayType: number; readonly length: number };

/** One tensor's entry in the header. */
export interface GgufTensor {
  readonly name: string;
  readonly dimensions: readonly number[];
  /** ggml's type number (0 F32, 1 F16, 8 Q8_0, …). */
  readonly ggmlType: number;
  /** Offset of its data from the start of the data section. */
  readonly offset: number;
}

/** What a GGUF file's header says: read without its tensor data and without keeping arrays' elements. */
export interface GgufHeader {
  readonly version: number;
  readonly metadata: ReadonlyMap<string, GgufValue>;
  readonly tensors: readonly GgufTensor[];
  /** File offset where the tensor data begins (the header's end, aligned to `general.alignment`). */
  readonly dataOffset: number;
  readonly fileSize: number;
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
// Bounds no real model reaches; beyond them the bytes are garbage, not a header.
const MAX_KEYS = 1_000_000;
const MAX_TENSORS = 10_000_000;
const MAX_DIMS = 8;
const MAX_STRING = 64 * 1024 * 1024;
const MAX_NAME = 64 * 1024;
const STRING = 8;
const ARRAY = 9;
// Byte size of each fixed-size value type (GGUF v2/v3): u8 i8 u16 i16 u32 i32 f32 bool, string, array, u64 i64 f64.
const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const READERS: Record<number, (b: Buffer, at: number) => number | bigint | boolean> = {
  0: (b, at) => b.readUInt8(at),
  1: (b, at) => b.readInt8(at),
  2: (b, at) => b.readUInt16LE(at),
  3: (b, at) => b.readInt16LE(at),
  4: (b, at) => b.readUInt32LE(at),
  5: (b, at) => b.readInt32LE(at),
  6: (b, at) => b.readFloatLE(at),
  7: (b, at) => b.readUInt8(at) !== 0,
  10: (b, at) => b.readBigUInt64LE(at),
  11: (b, at) => b.readBigInt64LE(at),
  12: (b, at) => b.readDoubleLE(at),
};

/**
 * Reads a GGUF file's header (magic, version, key/value metadata, tensor entries) without loading anything, in
 * 64 KiB reads: what the model list needs, with none of node-llama-cpp's modules. Throws GgufFormatError for a
 * file that is not a GGUF v2/v3 header (wrong magic, cut short, impossible counts); file system errors as they are.
 *
 * @example
 * const header = await readGgufHeader('models/stories260K.gguf');
 * header.metadata.get('general.architecture'); // 'llama'
 */
export async function readGgufHeader(filePath: string): Promise<GgufHeader> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const cursor = new FileCursor(handle, size);
    if (size < 24 || (await cursor.u32()) !== MAGIC)
      throw new GgufFormatError('the file is not a GGUF model (no GGUF magic)');
    const version = await cursor.u32();
    if (version !== 2 && version !== 3)
      throw new GgufFormatError(`GGUF version ${version} is not supported (versions 2 and 3 are)`);
    const tensorCount = await cursor.u64();
    const keyCount = await cursor.u64();
    if (tensorCount > MAX_TENSORS || keyCount > MAX_KEYS)
      throw new GgufFormatError(`the header claims ${tensorCount} tensors and ${keyCount} metadata keys: not a model`);
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < keyCount; i++) {
      const key = await cursor.string(MAX_NAME);
      metadata.set(key, await readValue(cursor, await cursor.u32()));
    }
    const tensors: GgufTensor[] = [];
    for (let i = 0; i < tensorCount; i++) tensors.push(await readTensor(cursor));
    const alignment = metadata.get('general.alignment');
    const align = typeof alignment === 'number' && alignment > 0 ? alignment : 32;
    const dataOffset = Math.ceil(cursor.offset / align) * align;
    return { version, metadata, tensors, dataOffset, fileSize: size };
  } finally {
    await handle.close();
  }
}

async function readValue(cursor: FileCursor, type: number): Promise<GgufValue> {
  if (type === STRING) return cursor.string(MAX_STRING);
  if (type === ARRAY) {
    const arrayType = await cursor.u32();
    const length = await cursor.u64();
    await skipArray(cursor, arrayType, length);
    return { arrayType, length };
  }
  const size = SIZES[type];
  const read = READERS[type];
  if (size === undefined || read === undefined) throw new GgufFormatError(`unknown GGUF value type ${type}`);
  return cursor.scalar(size, read);
}

async function skipArray(cursor: FileCursor, type: number, length: number): Promise<void> {
  const size = SIZES[type];
  if (size !== undefined) return cursor.skip(size * length);
  if (type === STRING) {
    for (let i = 0; i < length; i++) await cursor.skip(await cursor.u64());
    return;
  }
  if (type === ARRAY) {
    for (let i = 0; i < length; i++) await skipArray(cursor, await cursor.u32(), await cursor.u64());
    return;
  }
  throw new GgufFormatError(`unknown GGUF array element type ${type}`);
}

async function readTensor(cursor: FileCursor): Promise<GgufTensor> {
  const name = await cursor.string(MAX_NAME);
  const count = await cursor.u32();
  if (count === 0 || count > MAX_DIMS) throw new GgufFormatError(`tensor "${name}" has ${count} dimensions`);
  const dimensions: number[] = [];
  for (let d = 0; d < count; d++) dimensions.push(await cursor.u64());
  const ggmlType = await cursor.u32();
  const offset = await cursor.u64();
  return { name, dimensions, ggmlType, offset };
}
