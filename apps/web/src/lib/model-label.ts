/** Model picker labels: the model id (unique per file) with size and quantization, since GGUF names repeat. */
import type { ModelInfo } from '@chat-studio/protocol';

/**
 * Formats a byte count with decimal units, one decimal below 10 (e.g. "1.2 MB", "640 MB", "4.1 GB").
 * Returns '' for null. Negative or non-finite values are treated as unknown.
 *
 * @example
 * formatBytes(1_185_376) // '1.2 MB'
 */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 999.5 && unit < units.length - 1);
  const digits = value < 9.95 ? 1 : 0;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/**
 * The text of a model's `<option>`: id, size and quantization joined by " · ", and "broken" for a file that
 * cannot be loaded. Unknown parts are left out.
 *
 * @example
 * formatModelLabel({ id: 'stories260K', size_bytes: 1_185_376, quantization: 'F32', status: 'available' })
 * // 'stories260K · 1.2 MB · F32'
 */
export function formatModelLabel(model: Pick<ModelInfo, 'id' | 'size_bytes' | 'quantization' | 'status'>): string {
  const parts = [model.id, formatBytes(model.size_bytes), model.quantization ?? ''];
  if (model.status === 'broken') parts.push('broken');
  return parts.filter((p) => p !== '').join(' · ');
}

/**
 * The tooltip of a model's `<option>`: the GGUF `general.name`, architecture and parameter count where known,
 * and the load error of a broken file.
 *
 * @example
 * formatModelTitle({ name: 'TinyStories', architecture: 'llama', parameters: 292_800, error: null })
 * // 'TinyStories (llama, 293K parameters)'
 */
export function formatModelTitle(model: Pick<ModelInfo, 'name' | 'architecture' | 'parameters' | 'error'>): string {
  const details: string[] = [];
  if (model.architecture && model.architecture !== model.name) details.push(model.architecture);
  if (model.parameters !== null) details.push(`${formatCount(model.parameters)} parameters`);
  let title = details.length ? `${model.name} (${details.join(', ')})` : model.name;
  if (model.error) title += ` — ${model.error}`;
  return title;
}

function formatCount(n: number): string {
  if (n < 1000) return String(n);
  const units = ['K', 'M', 'B', 'T'];
  let value = n;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 999.5 && unit < units.length - 1);
  return `${value < 9.95 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)}${units[unit]}`;
}
