import { LlmRuntimeError } from '../errors/index.js';

/**
 * An upstream refused the request itself (a 4xx other than auth, rate limit or unknown model), so another
 * upstream would refuse it too. `status` is the upstream's HTTP status.
 *
 * @example
 * throw new UpstreamRequestError('gpu@10.0.0.5:8080', 400, 'max_tokens is too large');
 */
export class UpstreamRequestError extends LlmRuntimeError {
  override readonly code = 'validation_error';
  readonly upstream: string;
  readonly status: number;
  readonly reason: string;
  constructor(upstream: string, status: number, reason: string) {
    super(`upstream ${upstream} refused the request (HTTP ${status}): ${reason}`);
    this.upstream = upstream;
    this.status = status;
    this.reason = reason;
  }
}
