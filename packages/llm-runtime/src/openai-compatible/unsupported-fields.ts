import { UnsupportedRequestError } from '../errors/index.js';
import type { GenerateRequest } from '../provider/index.js';

/**
 * What a remote upstream is not sent (tools, grammars, token bias: their replies would need translating back) is
 * refused, naming the field, rather than dropped. Penalties are forwarded.
 */
export function assertRemoteSupports(request: GenerateRequest): void {
  const params = request.params ?? {};
  if (request.tools?.tools.length) throw refuse('tools');
  if (request.messages.some((m) => m.role === 'tool' || m.tool_calls?.length))
    throw refuse('messages', 'tool calls in messages');
  if (request.responseFormat || params.json_mode)
    throw refuse(request.responseFormat ? 'response_format' : 'json_mode');
  if (params.logit_bias && Object.keys(params.logit_bias).length > 0) throw refuse('logit_bias');
}

function refuse(param: string, what = param): UnsupportedRequestError {
  return new UnsupportedRequestError(param, `${what} is not supported with a remote upstream model; use a local model`);
}
