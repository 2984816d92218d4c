/** Translation between OpenAI's request and response shapes and Chat Studio's. */
import type { GenerationParams, GenerationStats, OpenAiChatRequest, OpenAiFinishReason, OpenAiUsage } from '@chat-studio/protocol';
import { ApiError } from '../../errors/index.js';

export type PromptMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** OpenAI message content may be a string or text parts; non-text parts are refused, not silently dropped. */
export function toPromptMessages(messages: OpenAiChatRequest['messages']): PromptMessage[] {
  return messages.map((m, i) => {
    let content = '';
    if (typeof m.content === 'string') content = m.content;
    else if (Array.isArray(m.content)) {
      for (const part of m.content) {
        if (part.type !== 'text') throw new ApiError('validation_error', `messages.${i}.content: only text parts are supported`, { param: `messages.${i}.content` });
        content += part.text ?? '';
      }
    }
    // OpenAI's newer "developer" role is a system prompt for every model Chat Studio runs.
    return { role: m.role === 'developer' ? 'system' : m.role, content };
  });
}

/** OpenAI parameters → Chat Studio generation parameters; `n` other than 1 is a clear 400. */
export function toGenerationParams(body: OpenAiChatRequest): GenerationParams {
  if (body.n != null && body.n !== 1) {
    throw new ApiError('validation_error', 'Only n=1 is supported', { param: 'n' });
  }
  const params: GenerationParams = {};
  if (body.temperature != null) params.temperature = body.temperature;
  if (body.top_p != null) params.top_p = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) params.max_tokens = maxTokens;
  if (body.stop != null) params.stop = (Array.isArray(body.stop) ? body.stop : [body.stop]).filter((s) => s !== '');
  if (body.seed != null) params.seed = body.seed >>> 0;
  return params;
}

/** An aborted reply only reaches a client that has already gone, so `stop` is as good as any. */
export function toFinishReason(stats: GenerationStats): OpenAiFinishReason {
  return stats.finish_reason === 'length' ? 'length' : 'stop';
}

export function toUsage(stats: GenerationStats): OpenAiUsage {
  return {
    prompt_tokens: stats.prompt_tokens,
    completion_tokens: stats.completion_tokens,
    total_tokens: stats.prompt_tokens + stats.completion_tokens,
    ...(stats.cached_tokens !== undefined ? { prompt_tokens_details: { cached_tokens: stats.cached_tokens } } : {}),
  };
}
