/** What a parsed GGUF header says about a model, and why a parsed file cannot be loaded. */
import type { ModelInfo } from '@chat-studio/protocol';
import { GgmlType, GgufFileType, type GgufFileInfo } from 'node-llama-cpp';
import { parseSizeLabel } from './size-label.js';

// Bytes per block and elements per block for the common ggml types; others count as at least 1 byte.
const TYPE_BLOCKS: Partial<Record<GgmlType, [bytes: number, elements: number]>> = {
  [GgmlType.F32]: [4, 1],
  [GgmlType.F16]: [2, 1],
  [GgmlType.BF16]: [2, 1],
  [GgmlType.F64]: [8, 1],
  [GgmlType.I8]: [1, 1],
  [GgmlType.I16]: [2, 1],
  [GgmlType.I32]: [4, 1],
  [GgmlType.I64]: [8, 1],
  [GgmlType.Q4_0]: [18, 32],
  [GgmlType.Q4_1]: [20, 32],
  [GgmlType.Q5_0]: [22, 32],
  [GgmlType.Q5_1]: [24, 32],
  [GgmlType.Q8_0]: [34, 32],
  [GgmlType.Q2_K]: [84, 256],
  [GgmlType.Q3_K]: [110, 256],
  [GgmlType.Q4_K]: [144, 256],
  [GgmlType.Q5_K]: [176, 256],
  [GgmlType.Q6_K]: [210, 256],
};

/**
 * Why a parsed GGUF cannot be loaded, or null. node-llama-cpp's reader pads a short file with zeros instead of
 * failing, so a truncated download parses "fine"; the tensor offsets tell how long the file must be.
 */
export function ggufProblem(info: GgufFileInfo, fileSize: number): string | null {
  const tensors = info.tensorInfo ?? [];
  if (Number(info.tensorCount) === 0 || tensors.length === 0) return 'the file holds no tensors';
  if (typeof info.metadata.general?.architecture !== 'string')
    return 'general.architecture is missing from the metadata';
  const headerEnd = info.infoEndOffset ?? 0;
  let dataEnd = headerEnd;
  for (const tensor of tensors) {
    const elements = tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1);
    const block = TYPE_BLOCKS[tensor.ggmlType];
    const bytes = block ? Math.ceil(elements / block[1]) * block[0] : 1;
    dataEnd = Math.max(dataEnd, headerEnd + Number(tensor.offset) + bytes);
  }
  if (dataEnd > fileSize) return `the file is truncated: ${fileSize} bytes, but its tensors need ${dataEnd}`;
  return null;
}

/** The registry fields read from GGUF metadata. */
export function describeGguf(
  info: GgufFileInfo,
  fallbackName: string,
): Pick<ModelInfo, 'name' | 'architecture' | 'parameters' | 'quantization' | 'context_length' | 'has_chat_template'> {
  const general = info.metadata.general;
  const contextLength = (info.architectureMetadata as { context_length?: unknown }).context_length;
  return {
    name: typeof general?.name === 'string' && general.name.trim() ? general.name.trim() : fallbackName,
    architecture: typeof general?.architecture === 'string' ? general.architecture : null,
    parameters: countParameters(info) ?? parseSizeLabel(general?.size_label),
    quantization: quantizationName(info),
    context_length: typeof contextLength === 'number' ? contextLength : null,
    has_chat_template: typeof info.metadata.tokenizer?.chat_template === 'string',
  };
}

function countParameters(info: GgufFileInfo): number | null {
  const tensors = info.fullTensorInfo ?? info.tensorInfo;
  if (!tensors || tensors.length === 0) return null;
  let total = 0;
  for (const tensor of tensors) total += tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1);
  return total;
}

function quantizationName(info: GgufFileInfo): string | null {
  const fileType = info.metadata.general?.file_type;
  if (typeof fileType === 'number' && GgufFileType[fileType]) {
    return GgufFileType[fileType]!.replace(/^(MOSTLY|ALL)_/, '');
  }
  // Old converters omit general.file_type; the type holding most weights is the honest answer then.
  const tensors = info.fullTensorInfo ?? info.tensorInfo;
  if (!tensors || tensors.length === 0) return null;
  const weightByType = new Map<number, number>();
  for (const tensor of tensors) {
    const elements = tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1);
    weightByType.set(tensor.ggmlType, (weightByType.get(tensor.ggmlType) ?? 0) + elements);
  }
  const [dominant] = [...weightByType.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  return dominant === undefined ? null : (GgmlType[dominant] ?? null);
}
