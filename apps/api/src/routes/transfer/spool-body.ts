/** Writes a request body to a temporary file as it arrives, so that a large import never sits in memory. */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../errors/index.js';

/** A spooled body: its file and a function that removes it. */
export interface SpooledBody {
  path: string;
  bytes: number;
  remove(): Promise<void>;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The import is larger than ${maxBytes} bytes (IMPORT_MAX_BYTES)`);
}

/**
 * Copies `body` to a new file in the system's temporary folder, refusing more than `maxBytes` (413).
 *
 * @example
 * const spooled = await spoolBody(c.req.raw.body, 1 << 30);
 * try { … } finally { await spooled.remove(); }
 */
export async function spoolBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<SpooledBody> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-studio-import-'));
  const path = join(dir, 'upload');
  const remove = () => rm(dir, { recursive: true, force: true });
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.byteLength;
      done(bytes > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  try {
    const source = body
      ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)
      : Readable.from([]);
    await pipeline(source, count, createWriteStream(path));
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, bytes, remove };
}
