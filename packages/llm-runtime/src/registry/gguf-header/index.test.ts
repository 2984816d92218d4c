import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeGguf, ggufProblem } from '../describe-gguf.js';
import { describeHeader, GgufFormatError, headerProblem, readGgufHeader } from './index.js';

const TEST_MODEL = path.join(process.env.TEST_MODELS_DIR ?? '/work/shared/models', 'stories260K.gguf');

/** A minimal GGUF v3 writer: the synthetic models of these tests (their tensor data is zeros). */
function syntheticGguf(options: { tokens: number; layers: number; fileType?: number; cutData?: number }): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => parts.push(Buffer.from(new Uint32Array([n]).buffer));
  const u64 = (n: number) => parts.push(Buffer.from(new BigUint64Array([BigInt(n)]).buffer));
  const str = (s: string) => {
    u64(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  const bytes = (b: Buffer) => parts.push(b);
  // A value: its type number, then what `write` appends.
  const typed = (type: number, write: () => void) => () => {
    u32(type);
    write();
  };
  const kv: [string, () => void][] = [
    ['general.architecture', typed(8, () => str('llama'))],
    ['general.name', typed(8, () => str(' synthetic '))],
    ['general.alignment', typed(4, () => u32(32))],
    ['llama.context_length', typed(4, () => u32(2048))],
    ['llama.rope.freq_base', typed(6, () => bytes(Buffer.from(new Float32Array([10000]).buffer)))],
    ['general.flag', typed(7, () => bytes(Buffer.from([1])))],
    ['tokenizer.chat_template', typed(8, () => str('{{ messages }}'))],
    [
      'tokenizer.ggml.tokens',
      typed(9, () => {
        u32(8);
        u64(options.tokens);
        for (let i = 0; i < options.tokens; i++) str(`token-${i}`);
      }),
    ],
    [
      'tokenizer.ggml.scores',
      typed(9, () => {
        u32(6);
        u64(options.tokens);
        bytes(Buffer.alloc(4 * options.tokens));
      }),
    ],
  ];
  const fileType = options.fileType;
  if (fileType !== undefined) kv.push(['general.file_type', typed(4, () => u32(fileType))]);
  const tensors: [string, number[], number][] = [['token_embd.weight', [64, options.tokens], 0]];
  for (let i = 0; i < options.layers; i++) tensors.push([`blk.${i}.attn_q.weight`, [64, 64], 8]);
  u32(0x46554747);
  u32(3);
  u64(tensors.length);
  u64(kv.length);
  for (const [key, write] of kv) {
    str(key);
    write();
  }
  let offset = 0;
  for (const [name, dims, type] of tensors) {
    str(name);
    u32(dims.length);
    for (const dim of dims) u64(dim);
    u32(type);
    u64(offset);
    const elements = dims.reduce((a, b) => a * b, 1);
    offset += Math.ceil((type === 0 ? elements * 4 : (elements / 32) * 34) / 32) * 32;
  }
  const header = Buffer.concat(parts);
  const dataStart = Math.ceil(header.length / 32) * 32;
  return Buffer.concat([header, Buffer.alloc(dataStart - header.length + offset - (options.cutData ?? 0))]);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gguf-header-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

describe('readGgufHeader', () => {
  it.runIf(existsSync(TEST_MODEL))('describes the test model as node-llama-cpp does', async () => {
    const header = await readGgufHeader(TEST_MODEL);
    expect(header.version).toBe(3);
    expect(header.metadata.get('general.architecture')).toBe('llama');
    expect(headerProblem(header)).toBeNull();
    const info = await readGgufFileInfo(TEST_MODEL, { logWarnings: false, sourceType: 'filesystem' });
    expect(describeHeader(header, 'stories260K')).toEqual(describeGguf(info, 'stories260K'));
    expect(header.tensors.length).toBe(Number(info.tensorCount));
    expect(ggufProblem(info, (await stat(TEST_MODEL)).size)).toBeNull();
  });

  it('reads a synthetic model: metadata, arrays by length, tensors and the aligned data offset', async () => {
    const file = await write('synthetic.gguf', syntheticGguf({ tokens: 300, layers: 3, fileType: 7 }));
    const header = await readGgufHeader(file);
    expect(header.metadata.get('tokenizer.ggml.tokens')).toEqual({ arrayType: 8, length: 300 });
    expect(header.metadata.get('general.flag')).toBe(true);
    expect(header.metadata.get('llama.rope.freq_base')).toBe(10000);
    expect(header.dataOffset % 32).toBe(0);
    expect(header.tensors.map((t) => t.name)).toEqual([
      'token_embd.weight',
      'blk.0.attn_q.weight',
      'blk.1.attn_q.weight',
      'blk.2.attn_q.weight',
    ]);
    expect(headerProblem(header)).toBeNull();
    expect(describeHeader(header, 'fallback')).toEqual({
      name: 'synthetic',
      architecture: 'llama',
      parameters: 64 * 300 + 3 * 64 * 64,
      quantization: 'Q8_0',
      context_length: 2048,
      has_chat_template: true,
    });
    // node-llama-cpp reads the same file to the same description.
    const info = await readGgufFileInfo(file, { logWarnings: false, sourceType: 'filesystem' });
    expect(describeHeader(header, 'fallback')).toEqual(describeGguf(info, 'fallback'));
  });

  it('names the dominant tensor type when general.file_type is missing', async () => {
    const file = await write('no-type.gguf', syntheticGguf({ tokens: 10, layers: 4 }));
    expect(describeHeader(await readGgufHeader(file), 'x').quantization).toBe('Q8_0');
  });

  it('reports a file cut inside its tensor data as truncated', async () => {
    const file = await write('cut-data.gguf', syntheticGguf({ tokens: 50, layers: 2, cutData: 100 }));
    expect(headerProblem(await readGgufHeader(file))).toMatch(
      /^the file is truncated: \d+ bytes, but its tensors need/,
    );
  });

  it('refuses a header cut short, garbage, another version and an empty file with GgufFormatError', async () => {
    const whole = syntheticGguf({ tokens: 200, layers: 2 });
    const cases: [string, Buffer, RegExp][] = [
      ['cut-header.gguf', whole.subarray(0, 700), /cut short/],
      ['text.gguf', Buffer.from('this is not a gguf file at all, just some text'), /no GGUF magic/],
      ['empty.gguf', Buffer.alloc(0), /no GGUF magic/],
      ['v1.gguf', Buffer.concat([whole.subarray(0, 4), Buffer.from([1, 0, 0, 0]), whole.subarray(8)]), /version 1/],
      ['huge-counts.gguf', Buffer.concat([whole.subarray(0, 8), Buffer.alloc(16, 0xff)]), /out of range|claims/],
    ];
    for (const [name, bytes, message] of cases) {
      const error = await readGgufHeader(await write(name, bytes)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(GgufFormatError);
      expect((error as GgufFormatError).code).toBe('model_load_failed');
      expect((error as Error).message, name).toMatch(message);
    }
  });

  it('refuses random bytes after a valid magic without reading past the file', async () => {
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    noise.write('GGUF', 0, 'ascii');
    noise.writeUInt32LE(3, 4);
    const error = await readGgufHeader(await write('noise.gguf', noise)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GgufFormatError);
  });
});
