import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelInfo } from '@chat-studio/protocol';
import { errorReason } from '../errors/index.js';
import { describeHeader, headerProblem, readGgufHeader } from './gguf-header/index.js';

export { parseSizeLabel } from './size-label.js';

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
    // Our own header reader: the model list never loads node-llama-cpp (issue #18: start-up and idle memory).
    const header = await readGgufHeader(filePath);
    const problem = headerProblem(header);
    if (problem) return { ...base, status: 'broken', error: problem };
    return { ...base, ...describeHeader(header, base.name) };
  } catch (error) {
    return { ...base, status: 'broken', error: errorReason(error) };
  }
}
