/** Ollama's `name:tag` model names over Chat Studio's model ids. */
import type { ModelInfo } from '@chat-studio/protocol';
import { createHash } from 'node:crypto';

/** How a model id appears to Ollama clients: with the `latest` tag Ollama adds to untagged names. */
export function ollamaName(id: string): string {
  return `${id}:latest`;
}

/** The model id an Ollama name means: `stories260K` and `stories260K:latest` are the same model. */
export function modelIdOf(name: string): string {
  return name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
}

/** Ollama's parameter size label, e.g. `7.2B`, `292.8K`. */
export function parameterSize(parameters: number | null): string {
  if (!parameters) return '';
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) if (parameters >= size) return `${Math.round((parameters / size) * 10) / 10}${unit}`;
  return String(parameters);
}

/** `details` as Ollama lists it. */
export function modelDetails(model: ModelInfo) {
  return {
    parent_model: '',
    format: model.provider === 'llama-cpp' ? 'gguf' : 'remote',
    family: model.architecture ?? '',
    families: model.architecture ? [model.architecture] : null,
    parameter_size: parameterSize(model.parameters),
    quantization_level: model.quantization ?? '',
  };
}

/** A stable identity for the model file (not the file's own sha256, which would mean reading it whole). */
export function modelDigest(model: ModelInfo): string {
  return createHash('sha256').update(`${model.provider}\0${model.file ?? model.id}\0${model.size_bytes ?? 0}`).digest('hex');
}
