import { LlmRuntimeError } from './index.js';

/** An input longer than the model's context (embedding or completion); `index` says which input. */
export class InputTooLongError extends LlmRuntimeError {
  override readonly code = 'validation_error';
  /** The request field it is about, as far as the runtime knows: the input. */
  readonly param: string = 'input';
  constructor(
    readonly index: number,
    readonly tokens: number,
    readonly limit: number,
  ) {
    super(`input ${index} has ${tokens} tokens, more than the ${limit} the model's context takes`);
  }
}

/** The active model's provider cannot do this (e.g. plain completion or embeddings on a remote upstream model). */
export class UnsupportedOperationError extends LlmRuntimeError {
  override readonly code = 'validation_error';
  /** The request field it is about: the model, whose provider cannot do this. */
  readonly param: string = 'model';
}
