import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelInfo } from '@chat-studio/protocol';
import { GgmlType, GgufFileType, readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { errorReason } from '../errors/index.js';

/** A model file found on disk: protocol ModelInfo without the `active` flag, plus its absolute path. */
export type ScannedModel = Omit<ModelInfo, 'active'> & { path: string };

/** Provider id written into every scanned model. */
export const LLAMA_CPP_PROVIDER_ID = 'llama-cpp';

/**
 * Lists every `.gguf` file in `dir` (not recursive) by reading its header only; nothing is loaded.
 * A file that is not a readable GGUF is listed with `status: 'broken'` and the parser's message in `error`.
 * A missing folder gives an empty list. Sorted by id.
 *
 * @example
 * const models = await scanModels('./models');
 * models.filter((m) => m.status === 'available').map((m) => m.id);
 */
export async function scanModels(dir: string): Promise<ScannedModel[]> {
  const root = path.resolve(dir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      return [];
    throw error;
  }
  const files = names.filter((name) => name.toLowerCase().endsWith('.gguf')).sort();
  const models = await Promise.all(files.map((file) => readModel(root, file)));
  return models.filter((model): model is ScannedModel => model !== null);
}

/** Stable id of a model file: its name without `.gguf`. */
export function modelIdFromFile(file: string): string {
  return path.basename(file).replace(/\.gguf$/i, '');
}

async function readModel(root: string, file: string): Promise<ScannedModel | null> {
  const filePath = path.join(root, file);
  let size: number;
  try {
    const info = await stat(filePath); // follows symlinks
    if (!info.isFile()) return null;
    size = info.size;
  } catch {
    return null; // dangling link or removed while scanning
  }
  const base: ScannedModel = {
    id: modelIdFromFile(file),
    name: modelIdFromFile(file),
    provider: LLAMA_CPP_PROVIDER_ID,
    file,
    path: filePath,
    size_bytes: size,
    architecture: null,
    parameters: null,
    quantization: null,
    context_length: null,
    has_chat_template: false,
    status: 'available',
    error: null,
  };
  try {
    const info = await readGgufFileInfo(filePath, { logWarnings: false, sourceType: 'filesystem' });
    const problem = ggufProblem(info, size);
    if (problem) return { ...base, status: 'broken', error: problem };
    return { ...base, ...describeGguf(info, base.name) };
  } catch (error) {
    return { ...base, status: 'broken', error: errorReason(error) };
  }
}

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

/** `"7B"` → 7e9, `"260K"` → 260000; GGUF size labels like `"8x7B"` multiply out. */
export function parseSizeLabel(label: string | undefined): number | null {
  const match = label?.trim().match(/^(?:(\d+)x)?(\d+(?:\.\d+)?)([KMBT])$/i);
  if (!match) return null;
  const scale = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[match[3]!.toUpperCase() as 'K' | 'M' | 'B' | 'T'];
  return Math.round(Number(match[1] ?? 1) * Number(match[2]) * scale);
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
