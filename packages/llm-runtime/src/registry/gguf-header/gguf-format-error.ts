import { LlmRuntimeError } from '../../errors/index.js';

/**
 * A file that is not a GGUF model the registry can read: wrong magic, an unsupported version, a header cut short or
 * values no real file holds. `code` is `model_load_failed` (the model cannot be loaded); `message` says what is wrong.
 *
 * @example
 * try { await readGgufHeader(file) } catch (e) { if (e instanceof GgufFormatError) console.log(e.message) }
 */
export class GgufFormatError extends LlmRuntimeError {
  override readonly code = 'model_load_failed';
}
