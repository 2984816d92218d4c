import { LlmRuntimeError } from './index.js';

/** An input longer than the model's context (embedding or completion); `index` says which input. */
export class InputTooLongError extends LlmRuntimeError {
  constructor(
    readonly index: number,
    readonly tokens: number,
    readonly limit: number,
  ) {
    super(`input ${index} has ${tokens} tokens, more than the ${limit} the model's context takes`);
  }
}

/** The active model's provider cannot do this (e.g. plain completion or embeddings on a remote upstream model). */
export class UnsupportedOperationError extends LlmRuntimeError {}
