/** Translation between OpenAI's request and response shapes and Chat Studio's. */
import type {
  GenerationParams,
  GenerationStats,
  OpenAiChatRequest,
  OpenAiFinishReason,
  OpenAiUsage,
} from '@chat-studio/protocol';
import type { GenerateMessage, ResponseFormat } from '@chat-studio/llm-runtime';
import { ApiError } from '../../errors/index.js';

export type PromptMessage = GenerateMessage;

/**
 * OpenAI messages → the runtime's. Content may be a string or text parts; other parts are refused, not dropped.
 * Assistant tool calls and `tool` results are kept (the runtime renders them as function calls with results).
 */
export function toPromptMessages(messages: OpenAiChatRequest['messages']): PromptMessage[] {
  return messages.map((m, i) => {
    const content = textOf(m.content, i);
    if (m.role === 'tool') return { role: 'tool', content, tool_call_id: m.tool_call_id };
    if (m.role === 'assistant') {
      const calls = m.tool_calls?.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
      // A refusal is what the assistant said.
      return {
        role: 'assistant',
        content: content || (m.refusal ?? ''),
        ...(calls?.length ? { tool_calls: calls } : {}),
      };
    }
    if (m.role === 'function')
      throw new ApiError('validation_error', 'the deprecated function role is not supported', {
        param: `messages.${i}.role`,
      });
    // OpenAI's newer "developer" role is a system prompt for every model Chat Studio runs.
    return { role: m.role === 'developer' ? 'system' : m.role, content };
  });
}

function textOf(content: OpenAiChatRequest['messages'][number]['content'], i: number): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content ?? []) {
    if (part.type !== 'text')
      throw new ApiError('validation_error', `messages.${i}.content: only text parts are supported`, {
        param: `messages.${i}.content`,
      });
    text += part.text ?? '';
  }
  return text;
}

/** OpenAI sampling parameters → Chat Studio generation parameters (the field policy has refused the rest). */
export function toGenerationParams(body: OpenAiChatRequest): GenerationParams {
  const params: GenerationParams = {};
  if (body.temperature != null) params.temperature = body.temperature;
  if (body.top_p != null) params.top_p = body.top_p;
  if (body.top_k != null) params.top_k = body.top_k;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) params.max_tokens = maxTokens;
  if (body.stop != null) params.stop = (Array.isArray(body.stop) ? body.stop : [body.stop]).filter((s) => s !== '');
  if (body.seed != null) params.seed = body.seed;
  if (body.frequency_penalty != null) params.frequency_penalty = body.frequency_penalty;
  if (body.presence_penalty != null) params.presence_penalty = body.presence_penalty;
  if (body.repeat_penalty != null) params.repeat_penalty = body.repeat_penalty;
  if (body.logit_bias != null && Object.keys(body.logit_bias).length > 0) params.logit_bias = body.logit_bias;
  if (body.response_format?.type === 'json_object') params.json_mode = true;
  return params;
}

/** `response_format: json_schema` as the runtime's response format (json_object travels as `params.json_mode`). */
export function toResponseFormat(body: OpenAiChatRequest): ResponseFormat | undefined {
  const format = body.response_format;
  if (format?.type !== 'json_schema') return undefined;
  if (!format.json_schema.schema) {
    throw new ApiError('validation_error', 'response_format.json_schema.schema is required', {
      param: 'response_format.json_schema.schema',
    });
  }
  return { type: 'json_schema', schema: format.json_schema.schema };
}

/** An aborted reply only reaches a client that has already gone, so `stop` is as good as any. */
export function toFinishReason(stats: GenerationStats, toolCalls?: readonly unknown[]): OpenAiFinishReason {
  if (stats.finish_reason === 'length') return 'length';
  return toolCalls?.length ? 'tool_calls' : 'stop';
}

export function toUsage(stats: GenerationStats): OpenAiUsage {
  return {
    prompt_tokens: stats.prompt_tokens,
    completion_tokens: stats.completion_tokens,
    total_tokens: stats.prompt_tokens + stats.completion_tokens,
    ...(stats.cached_tokens !== undefined ? { prompt_tokens_details: { cached_tokens: stats.cached_tokens } } : {}),
  };
}
