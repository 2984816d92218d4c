// Writes a GGUF llama model with random Q8_0 weights in the layer shape of a real chat model, borrowing the test
// model's tokenizer. Benchmarks use it where a figure depends on where a model's time goes: stories260K's 8-wide
// attention heads make attention, not weights, its main cost, unlike any model people chat with. Its replies are noise.
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const GGUF_MAGIC = 0x46554747;
const ALIGNMENT = 32;
const T = { UINT32: 4, INT32: 5, FLOAT32: 6, STRING: 8, ARRAY: 9 };
const GGML_F32 = 0;
const GGML_Q8_0 = 8;
const Q8_0_BLOCK = 32;
const Q8_0_BYTES = 34;

/** Llama-3.2-1B's layer: hidden 2048, 32 query heads and 8 KV heads of 64, FFN 8192. */
export const LLAMA_1B_LAYER = { embd: 2048, heads: 32, kvHeads: 8, ff: 8192 };

/**
 * Writes the model to `file` and returns its parameter count.
 * @param {{ file: string, tokenizer: Record<string, unknown>, layers: number, embd: number, heads: number, kvHeads: number, ff: number, contextLength?: number }} options
 */
export async function writeSyntheticModel({ file, tokenizer, layers, embd, heads, kvHeads, ff, contextLength = 2048 }) {
  const headDim = embd / heads;
  const vocab = /** @type {unknown[]} */ (tokenizer['tokenizer.ggml.tokens']).length;
  const kv = [
    ['general.architecture', T.STRING, 'llama'],
    ['general.name', T.STRING, `synthetic-${layers}x${embd}`],
    ['general.alignment', T.UINT32, ALIGNMENT],
    ['general.file_type', T.UINT32, 7], // mostly Q8_0
    ['llama.context_length', T.UINT32, contextLength],
    ['llama.embedding_length', T.UINT32, embd],
    ['llama.feed_forward_length', T.UINT32, ff],
    ['llama.block_count', T.UINT32, layers],
    ['llama.attention.head_count', T.UINT32, heads],
    ['llama.attention.head_count_kv', T.UINT32, kvHeads],
    ['llama.attention.layer_norm_rms_epsilon', T.FLOAT32, 1e-5],
    ['llama.rope.dimension_count', T.UINT32, headDim],
    ['tokenizer.ggml.model', T.STRING, tokenizer['tokenizer.ggml.model']],
    ['tokenizer.ggml.tokens', T.ARRAY, [T.STRING, tokenizer['tokenizer.ggml.tokens']]],
    ['tokenizer.ggml.scores', T.ARRAY, [T.FLOAT32, tokenizer['tokenizer.ggml.scores']]],
    ['tokenizer.ggml.token_type', T.ARRAY, [T.INT32, tokenizer['tokenizer.ggml.token_type']]],
    ['tokenizer.ggml.unknown_token_id', T.UINT32, tokenizer['tokenizer.ggml.unknown_token_id']],
    ['tokenizer.ggml.bos_token_id', T.UINT32, tokenizer['tokenizer.ggml.bos_token_id']],
    ['tokenizer.ggml.eos_token_id', T.UINT32, tokenizer['tokenizer.ggml.eos_token_id']],
  ];
  /** @type {[string, number[], number][]} */
  const tensors = [
    ['token_embd.weight', [embd, vocab], GGML_Q8_0],
    ['output_norm.weight', [embd], GGML_F32],
    ['output.weight', [embd, vocab], GGML_Q8_0],
  ];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      [`blk.${i}.attn_norm.weight`, [embd], GGML_F32],
      [`blk.${i}.attn_q.weight`, [embd, embd], GGML_Q8_0],
      [`blk.${i}.attn_k.weight`, [embd, kvHeads * headDim], GGML_Q8_0],
      [`blk.${i}.attn_v.weight`, [embd, kvHeads * headDim], GGML_Q8_0],
      [`blk.${i}.attn_output.weight`, [embd, embd], GGML_Q8_0],
      [`blk.${i}.ffn_norm.weight`, [embd], GGML_F32],
      [`blk.${i}.ffn_gate.weight`, [embd, ff], GGML_Q8_0],
      [`blk.${i}.ffn_up.weight`, [embd, ff], GGML_Q8_0],
      [`blk.${i}.ffn_down.weight`, [ff, embd], GGML_Q8_0],
    );
  }

  const header = new Writer();
  header.u32(GGUF_MAGIC).u32(3).u64(tensors.length).u64(kv.length);
  for (const [key, type, value] of kv) {
    header.string(key).u32(type);
    header.value(type, value);
  }
  let offset = 0;
  const sized = tensors.map(([name, dims, type]) => {
    const count = dims.reduce((a, b) => a * b, 1);
    const bytes = type === GGML_F32 ? count * 4 : (count / Q8_0_BLOCK) * Q8_0_BYTES;
    const entry = { name, dims, type, count, bytes, offset };
    offset = align(offset + bytes);
    return entry;
  });
  for (const t of sized) {
    header.string(t.name).u32(t.dims.length);
    for (const d of t.dims) header.u64(d);
    header.u32(t.type).u64(t.offset);
  }

  const out = createWriteStream(file);
  const write = async (buffer) => {
    if (!out.write(buffer)) await once(out, 'drain');
  };
  const head = header.buffer();
  await write(head);
  await write(Buffer.alloc(align(head.length) - head.length));
  // Weights with a standard deviation of about 0.02, as in trained models, so activations stay finite.
  const scale = float16(0.02 / 73);
  let written = 0;
  for (const t of sized) {
    if (t.type === GGML_F32) {
      const ones = Buffer.alloc(t.bytes);
      for (let i = 0; i < t.count; i++) ones.writeFloatLE(1, i * 4);
      await write(ones);
    } else {
      const chunkBlocks = 32_768;
      for (let block = 0; block < t.count / Q8_0_BLOCK; block += chunkBlocks) {
        const blocks = Math.min(chunkBlocks, t.count / Q8_0_BLOCK - block);
        const chunk = randomFillSync(Buffer.alloc(blocks * Q8_0_BYTES));
        for (let b = 0; b < blocks; b++) chunk.writeUInt16LE(scale, b * Q8_0_BYTES);
        await write(chunk);
      }
    }
    written += t.bytes;
    const padding = align(written) - written;
    if (padding) await write(Buffer.alloc(padding));
    written += padding;
  }
  out.end();
  await once(out, 'finish');
  return sized.reduce((sum, t) => sum + t.count, 0);
}

const align = (n) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** IEEE half-precision bits of a small positive normal number. */
function float16(value) {
  const exponent = Math.floor(Math.log2(value));
  const mantissa = Math.round((value / 2 ** exponent - 1) * 1024);
  return ((exponent + 15) << 10) | mantissa;
}

class Writer {
  parts = [];
  push(buffer) {
    this.parts.push(buffer);
    return this;
  }
  u32(n) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return this.push(b);
  }
  i32(n) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.push(b);
  }
  f32(n) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    return this.push(b);
  }
  u64(n) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return this.push(b);
  }
  string(s) {
    const bytes = Buffer.from(s, 'utf8');
    return this.u64(bytes.length).push(bytes);
  }
  value(type, value) {
    if (type === T.UINT32) return this.u32(value);
    if (type === T.INT32) return this.i32(value);
    if (type === T.FLOAT32) return this.f32(value);
    if (type === T.STRING) return this.string(value);
    const [itemType, items] = value;
    this.u32(itemType).u64(items.length);
    for (const item of items) this.value(itemType, item);
    return this;
  }
  buffer() {
    return Buffer.concat(this.parts);
  }
}
