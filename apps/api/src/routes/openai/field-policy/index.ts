/**
 * Every field of OpenAI's chat completions request either works or is refused with a 400 naming it (`param`).
 * The schema types every field; this decides, per field and value, whether Chat Studio can honour it.
 */
import type { OpenAiChatRequest } from '@chat-studio/protocol';
import { ApiError } from '../../../errors/index.js';

/** Why a field is refused, by field; the values that are accepted are those that change nothing here. */
const REFUSED: Partial<Record<keyof OpenAiChatRequest, string>> = {
  audio: 'audio output is not supported (text only)',
  functions: 'the deprecated functions field is not supported; use tools',
  function_call: 'the deprecated function_call field is not supported; use tool_choice',
  prediction: 'predicted outputs are not supported',
  reasoning_effort: 'reasoning_effort is not supported by the local runtime',
  verbosity: 'verbosity is not supported by the local runtime',
  web_search_options: 'web search is not supported',
};

/** Refuses with OpenAI's error shape: 400 `invalid_request_error` with `param`. */
export function refuse(param: string, message: string): never {
  throw new ApiError('validation_error', message, { param });
}

/**
 * Throws a 400 naming the first field of `body` that cannot be honoured. `stored` is true when the request carries
 * X-Chat-Session-Id (then the exchange is stored, so `store: true` holds).
 */
export function assertFieldPolicy(body: OpenAiChatRequest, stored: boolean): void {
  for (const [field, why] of Object.entries(REFUSED)) {
    if (body[field as keyof OpenAiChatRequest] != null) refuse(field, why);
  }
  if (body.n != null && body.n !== 1) refuse('n', 'Only n=1 is supported');
  if (body.logprobs === true)
    refuse('logprobs', 'logprobs are not supported: node-llama-cpp gives no token probabilities through its chat API');
  if (body.top_logprobs != null)
    refuse(
      'top_logprobs',
      'top_logprobs are not supported: node-llama-cpp gives no token probabilities through its chat API',
    );
  if (body.modalities?.some((m) => m !== 'text')) refuse('modalities', 'only the text modality is supported');
  if (body.service_tier != null && body.service_tier !== 'auto' && body.service_tier !== 'default') {
    refuse('service_tier', `service_tier ${JSON.stringify(body.service_tier)} is not supported (auto or default)`);
  }
  if (body.prompt_cache_retention === '24h')
    refuse('prompt_cache_retention', 'prompt caches are kept in memory only (in-memory)');
  if (body.store === true && !stored)
    refuse('store', 'store: true needs X-Chat-Session-Id: completions are stored as turns of a chat session');
  if (body.metadata != null && Object.keys(body.metadata).length > 0)
    refuse('metadata', 'metadata is not supported: completions are not stored as OpenAI stores them');
  if (body.stream_options?.include_obfuscation === true)
    refuse('stream_options.include_obfuscation', 'stream obfuscation is not supported');
  if (body.stream_options != null && body.stream !== true)
    refuse('stream_options', 'stream_options needs stream: true');
  assertMessagePolicy(body.messages);
}

function assertMessagePolicy(messages: OpenAiChatRequest['messages']): void {
  messages.forEach((message, index) => {
    if (message.role === 'function')
      refuse(`messages.${index}.role`, 'the deprecated function role is not supported; use tool messages');
    if ('name' in message && message.name != null)
      refuse(`messages.${index}.name`, 'participant names are not supported');
    if (message.role === 'assistant') {
      if (message.audio != null) refuse(`messages.${index}.audio`, 'audio is not supported');
      if (message.function_call != null)
        refuse(`messages.${index}.function_call`, 'the deprecated function_call is not supported; use tool_calls');
    }
  });
}
