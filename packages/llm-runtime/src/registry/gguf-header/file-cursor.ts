import type { FileHandle } from 'node:fs/promises';
import { GgufFormatError } from './gguf-format-error.js';

const CHUNK = 64 * 1024;

/**
 * Reads a file front to back in 64 KiB chunks, never holding more than the value being read plus one chunk: a
 * model's vocabulary (hundreds of thousands of strings) is stepped over, not kept.
 */
export class FileCursor {
  private buffer = Buffer.alloc(0);
  private pos = 0;
  /** File offset of `buffer[0]`. */
  private base = 0;
  constructor(
    private readonly handle: FileHandle,
    private readonly fileSize: number,
  ) {}

  /** The file offset of the next byte to read. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Makes `n` bytes readable at the cursor; a file that ends before them is a cut header. */
  async need(n: number): Promise<void> {
    if (this.buffer.length - this.pos >= n) return;
    if (this.offset + n > this.fileSize)
      throw new GgufFormatError(
        `the GGUF header is cut short: ${this.fileSize} bytes, but it goes on past byte ${this.offset + n}`,
      );
    const rest = this.buffer.subarray(this.pos);
    const next = Buffer.alloc(Math.max(n, CHUNK));
    rest.copy(next);
    const want = Math.min(next.length - rest.length, this.fileSize - this.offset - rest.length);
    const { bytesRead } = await this.handle.read(next, rest.length, want, this.offset + rest.length);
    this.base = this.offset;
    this.buffer = next.subarray(0, rest.length + bytesRead);
    this.pos = 0;
    if (this.buffer.length < n) throw new GgufFormatError(`the GGUF header is cut short at byte ${this.offset}`);
  }

  async u8(): Promise<number> {
    await this.need(1);
    return this.buffer.readUInt8(this.pos++);
  }

  async u32(): Promise<number> {
    await this.need(4);
    const value = this.buffer.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  /** A 64-bit count or offset; beyond 2^53 no real file goes, so it is refused rather than rounded. */
  async u64(): Promise<number> {
    await this.need(8);
    const value = this.buffer.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFormatError(`a 64-bit value ${value} is out of range`);
    return Number(value);
  }

  /** Reads a scalar of `size` bytes with `read` (a Buffer reader bound at the position). */
  async scalar<T>(size: number, read: (buffer: Buffer, at: number) => T): Promise<T> {
    await this.need(size);
    const value = read(this.buffer, this.pos);
    this.pos += size;
    return value;
  }

  /** A GGUF string: a u64 length and UTF-8 bytes. Longer than `max` bytes is refused as garbage. */
  async string(max: number): Promise<string> {
    const length = await this.u64();
    if (length > max) throw new GgufFormatError(`a string of ${length} bytes at byte ${this.offset} is too long`);
    await this.need(length);
    const value = this.buffer.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** Steps over `n` bytes without keeping them. */
  async skip(n: number): Promise<void> {
    if (this.offset + n > this.fileSize)
      throw new GgufFormatError(
        `the GGUF header is cut short: ${this.fileSize} bytes, but it goes on past byte ${this.offset + n}`,
      );
    const buffered = this.buffer.length - this.pos;
    if (n <= buffered) {
      this.pos += n;
      return;
    }
    this.base = this.offset + n;
    this.buffer = Buffer.alloc(0);
    this.pos = 0;
  }
}
