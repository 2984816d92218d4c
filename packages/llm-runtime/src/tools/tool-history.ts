/** OpenAI-style tool calls and `tool` results in a conversation → node-llama-cpp's function-call history items. */
import type { ChatModelResponse } from 'node-llama-cpp';
import { UnsupportedRequestError } from '../errors/index.js';
import type { GenerateMessage } from '../provider/index.js';

/**
 * The result of every tool call, by call id, from the `tool` messages. A `tool` message must answer a call made by
 * an earlier assistant message; every call must be answered (as OpenAI requires).
 */
export function toolResults(messages: readonly GenerateMessage[]): Map<string, string> {
  const calls = new Map<string, number>();
  const results = new Map<string, string>();
  messages.forEach((message, index) => {
    for (const call of message.tool_calls ?? []) calls.set(call.id, index);
    if (message.role !== 'tool') return;
    const id = message.tool_call_id ?? '';
    if (!calls.has(id)) {
      throw new UnsupportedRequestError(
        `messages.${index}.tool_call_id`,
        `messages.${index}: a tool message must answer a tool call of an earlier assistant message (no call has id ${JSON.stringify(id)})`,
      );
    }
    results.set(id, message.content);
  });
  for (const [id, index] of calls) {
    if (!results.has(id)) {
      throw new UnsupportedRequestError(
        `messages.${index}.tool_calls`,
        `messages.${index}: the tool call ${JSON.stringify(id)} has no tool message with its result`,
      );
    }
  }
  return results;
}

/** An assistant message's text and calls (each with its result) as a model response. */
export function toModelResponse(
  message: GenerateMessage,
  index: number,
  results: ReadonlyMap<string, string>,
): ChatModelResponse['response'] {
  const response: ChatModelResponse['response'] = [];
  if (message.content !== '' || !message.tool_calls?.length) response.push(message.content);
  message.tool_calls?.forEach((call, callIndex) => {
    response.push({
      type: 'functionCall',
      name: call.name,
      params: parseArguments(call.arguments, `messages.${index}.tool_calls.${callIndex}.function.arguments`),
      result: results.get(call.id) ?? null,
    });
  });
  return response;
}

function parseArguments(text: string, param: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new UnsupportedRequestError(param, `${param} is not valid JSON`);
  }
}
