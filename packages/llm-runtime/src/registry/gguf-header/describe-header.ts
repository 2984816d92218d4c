import type { ModelInfo } from '@chat-studio/protocol';
import { parseSizeLabel } from '../size-label.js';
import type { GgufHeader, GgufTensor } from './read-gguf-header.js';

// ggml type number → [name, bytes per block, elements per block] for the common types (llama.cpp's ggml.h order).
const GGML_TYPES: Record<number, [name: string, bytes: number, elements: number]> = {
  0: ['F32', 4, 1],
  1: ['F16', 2, 1],
  2: ['Q4_0', 18, 32],
  3: ['Q4_1', 20, 32],
  6: ['Q5_0', 22, 32],
  7: ['Q5_1', 24, 32],
  8: ['Q8_0', 34, 32],
  10: ['Q2_K', 84, 256],
  11: ['Q3_K', 110, 256],
  12: ['Q4_K', 144, 256],
  13: ['Q5_K', 176, 256],
  14: ['Q6_K', 210, 256],
  24: ['I8', 1, 1],
  25: ['I16', 2, 1],
  26: ['I32', 4, 1],
  27: ['I64', 8, 1],
  28: ['F64', 8, 1],
  30: ['BF16', 2, 1],
};

// Every ggml type's name by number, for the dominant type of an old file without general.file_type.
const GGML_NAMES = [
  'F32',
  'F16',
  'Q4_0',
  'Q4_1',
  'Q4_2',
  'Q4_3',
  'Q5_0',
  'Q5_1',
  'Q8_0',
  'Q8_1',
  'Q2_K',
  'Q3_K',
  'Q4_K',
  'Q5_K',
  'Q6_K',
  'Q8_K',
  'IQ2_XXS',
  'IQ2_XS',
  'IQ3_XXS',
  'IQ1_S',
  'IQ4_NL',
  'IQ3_S',
  'IQ2_S',
  'IQ4_XS',
  'I8',
  'I16',
  'I32',
  'I64',
  'F64',
  'IQ1_M',
  'BF16',
  'Q4_0_4_4',
  'Q4_0_4_8',
  'Q4_0_8_8',
  'TQ1_0',
  'TQ2_0',
  'IQ4_NL_4_4',
  'IQ4_NL_4_8',
  'IQ4_NL_8_8',
  'MXFP4',
  'NVFP4',
  'Q1_0',
  'Q2_0',
];

// general.file_type → name (llama.cpp's llama_ftype, without the MOSTLY_/ALL_ prefix node-llama-cpp's enum carries).
const FILE_TYPES = [
  'F32',
  'F16',
  'Q4_0',
  'Q4_1',
  'Q4_1_SOME_F16',
  'Q4_2',
  'Q4_3',
  'Q8_0',
  'Q5_0',
  'Q5_1',
  'Q2_K',
  'Q3_K_S',
  'Q3_K_M',
  'Q3_K_L',
  'Q4_K_S',
  'Q4_K_M',
  'Q5_K_S',
  'Q5_K_M',
  'Q6_K',
  'IQ2_XXS',
  'IQ2_XS',
  'Q2_K_S',
  'IQ3_XS',
  'IQ3_XXS',
  'IQ1_S',
  'IQ4_NL',
  'IQ3_S',
  'IQ3_M',
  'IQ2_S',
  'IQ2_M',
  'IQ4_XS',
  'IQ1_M',
  'BF16',
  'Q4_0_4_4',
  'Q4_0_4_8',
  'Q4_0_8_8',
  'TQ1_0',
  'TQ2_0',
  'MXFP4_MOE',
  'NVFP4',
  'Q1_0',
  'Q2_0',
];

const elements = (tensor: GgufTensor) => tensor.dimensions.reduce((product, dim) => product * dim, 1);

/**
 * Why a GGUF whose header was read cannot be loaded, or null: no tensors, no architecture, or a file shorter than
 * its tensors' data (a cut download whose header survived).
 *
 * @example
 * headerProblem(await readGgufHeader(file)) // 'the file is truncated: 1000 bytes, but its tensors need 1048576'
 */
export function headerProblem(header: GgufHeader): string | null {
  if (header.tensors.length === 0) return 'the file holds no tensors';
  if (typeof header.metadata.get('general.architecture') !== 'string')
    return 'general.architecture is missing from the metadata';
  let dataEnd = header.dataOffset;
  for (const tensor of header.tensors) {
    const type = GGML_TYPES[tensor.ggmlType];
    const bytes = type ? Math.ceil(elements(tensor) / type[2]) * type[1] : 1;
    dataEnd = Math.max(dataEnd, header.dataOffset + tensor.offset + bytes);
  }
  if (dataEnd > header.fileSize)
    return `the file is truncated: ${header.fileSize} bytes, but its tensors need ${dataEnd}`;
  return null;
}

/**
 * The registry fields read from a GGUF header.
 *
 * @example
 * describeHeader(await readGgufHeader(file), 'stories260K').architecture // 'llama'
 */
export function describeHeader(
  header: GgufHeader,
  fallbackName: string,
): Pick<ModelInfo, 'name' | 'architecture' | 'parameters' | 'quantization' | 'context_length' | 'has_chat_template'> {
  const meta = header.metadata;
  const name = meta.get('general.name');
  const architecture = meta.get('general.architecture');
  const contextLength = typeof architecture === 'string' ? meta.get(`${architecture}.context_length`) : undefined;
  const sizeLabel = meta.get('general.size_label');
  return {
    name: typeof name === 'string' && name.trim() ? name.trim() : fallbackName,
    architecture: typeof architecture === 'string' ? architecture : null,
    parameters: countParameters(header) ?? parseSizeLabel(typeof sizeLabel === 'string' ? sizeLabel : undefined),
    quantization: quantizationName(header),
    context_length: typeof contextLength === 'number' ? contextLength : null,
    has_chat_template: typeof meta.get('tokenizer.chat_template') === 'string',
  };
}

function countParameters(header: GgufHeader): number | null {
  if (header.tensors.length === 0) return null;
  return header.tensors.reduce((total, tensor) => total + elements(tensor), 0);
}

function quantizationName(header: GgufHeader): string | null {
  const fileType = header.metadata.get('general.file_type');
  if (typeof fileType === 'number' && FILE_TYPES[fileType]) return FILE_TYPES[fileType]!;
  // Old converters omit general.file_type; the type holding most weights is the honest answer then.
  const weightByType = new Map<number, number>();
  for (const tensor of header.tensors)
    weightByType.set(tensor.ggmlType, (weightByType.get(tensor.ggmlType) ?? 0) + elements(tensor));
  const [dominant] = [...weightByType.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  return dominant === undefined ? null : (GGML_NAMES[dominant] ?? null);
}
