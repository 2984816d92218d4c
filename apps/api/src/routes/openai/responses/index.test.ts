import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@chat-studio/protocol';
import { ApiError } from '../../../errors/index.js';
import { assertCallsAnswered, fromStored, storedContent, toPrompt } from './function-items.js';
import { toGenerateToolsOf } from './function-tools.js';
import { toInputMessages, toParams } from './request.js';
import { messageIdOf, responseId, responseObject, statusOf } from './response-object.js';

const paramOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return (error.details as { param?: string }).param;
    // The runtime's UnsupportedRequestError carries the field as `param` (the API maps it to the 400's param).
    const param = (error as { param?: unknown }).param;
    return typeof param === 'string' ? param : String(error);
  }
  return undefined;
};

describe('Responses input', () => {
  it('a string is one user message; message items keep their roles, developer is system, parts are joined', () => {
    expect(toInputMessages('Hi', DEFAULT_LIMITS)).toEqual([{ role: 'user', content: 'Hi' }]);
    const messages = toInputMessages(
      [
        { role: 'developer', content: 'Be brief.' },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello' }],
          id: 'msg_1',
          status: 'completed',
        },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Tell ' },
            { type: 'input_text', text: 'more' },
          ],
        },
      ],
      DEFAULT_LIMITS,
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'Tell more' },
    ]);
  });

  it('refuses other item and part types, naming where they are', () => {
    expect(paramOf(() => toInputMessages([{ type: 'file_search_call', id: 'f', queries: [] }], DEFAULT_LIMITS))).toBe(
      'input[0].type',
    );
    expect(
      paramOf(() =>
        toInputMessages(
          [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'x' }] }],
          DEFAULT_LIMITS,
        ),
      ),
    ).toBe('input[0].output[0]');
    expect(paramOf(() => toInputMessages([{ type: 'function_call', call_id: 'c', name: 'f' }], DEFAULT_LIMITS))).toBe(
      'input[0].arguments',
    );
    expect(
      paramOf(() =>
        toInputMessages([{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }], DEFAULT_LIMITS),
      ),
    ).toBe('input[0].content[0]');
    expect(paramOf(() => toInputMessages([{ role: 'tool', content: 'x' }], DEFAULT_LIMITS))).toBe('input[0].role');
  });

  it('instructions become the turn’s system prompt and json_object is JSON mode', () => {
    expect(
      toParams({
        model: 'm',
        input: 'x',
        instructions: 'Be brief.',
        max_output_tokens: 5,
        text: { format: { type: 'json_object' } },
      }),
    ).toEqual({
      system_prompt: 'Be brief.',
      max_tokens: 5,
      json_mode: true,
    });
  });
});

describe('Response objects', () => {
  it('ids name the stored reply', () => {
    expect(responseId('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('resp_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(messageIdOf('resp_01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(messageIdOf('chatcmpl-1')).toBeNull();
  });

  it('a reply cut by max_output_tokens is incomplete with the reason; usage adds up', () => {
    expect(statusOf({ finish_reason: 'stop' })).toBe('completed');
    expect(statusOf({ finish_reason: 'length' })).toBe('incomplete');
    const facts = {
      messageId: 'M',
      createdAt: 1,
      model: 'm',
      instructions: null,
      previousResponseId: null,
      maxOutputTokens: 4,
      temperature: null,
      topP: null,
      sessionId: 'S',
    };
    const res = responseObject(facts, {
      status: 'incomplete',
      text: 'Once',
      usage: { input: 3, output: 4, cached: 1 },
    });
    expect(res).toMatchObject({
      id: 'resp_M',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        {
          id: 'msg_M',
          type: 'message',
          status: 'incomplete',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Once', annotations: [] }],
        },
      ],
      usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7, input_tokens_details: { cached_tokens: 1 } },
      chat_session_id: 'S',
    });
  });
});

describe('function calls in Responses input and in stored chats', () => {
  const call = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' };

  it('function_call items join the assistant message before them; consecutive outputs make one message', () => {
    const messages = toInputMessages(
      [
        { role: 'user', content: 'Weather?' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: call.arguments, id: 'fc_1' },
        { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{}', status: 'completed' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'rain' }] },
      ],
      DEFAULT_LIMITS,
    );
    expect(messages).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Let me look.',
        toolCalls: [call, { id: 'call_2', name: 'get_weather', arguments: '{}' }],
      },
      {
        role: 'user',
        content: '',
        toolOutputs: [
          { call_id: 'call_1', output: 'sunny' },
          { call_id: 'call_2', output: 'rain' },
        ],
      },
    ]);
    expect(() => assertCallsAnswered(undefined, messages)).not.toThrow();
    expect(toPrompt(messages)).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Let me look.', tool_calls: messages[1]!.toolCalls },
      { role: 'tool', content: 'sunny', tool_call_id: 'call_1' },
      { role: 'tool', content: 'rain', tool_call_id: 'call_2' },
    ]);
  });

  it('the stored form reads back as the same calls and outputs; plain text stays text', () => {
    const reply = { role: 'assistant' as const, content: 'Let me look.\nOn two lines.', toolCalls: [call] };
    expect(fromStored('assistant', storedContent(reply))).toEqual(reply);
    const callOnly = { role: 'assistant' as const, content: '', toolCalls: [call] };
    expect(storedContent(callOnly)).toBe(
      '{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}',
    );
    expect(fromStored('assistant', storedContent(callOnly))).toEqual(callOnly);
    const outputs = { role: 'user' as const, content: '', toolOutputs: [{ call_id: 'call_1', output: 'a\nb' }] };
    expect(fromStored('user', storedContent(outputs))).toEqual(outputs);
    expect(fromStored('user', 'Hello\n{"type":"function_call_output","call_id":"c","output":"x"}')).toEqual({
      role: 'user',
      content: 'Hello\n{"type":"function_call_output","call_id":"c","output":"x"}',
    });
    expect(fromStored('assistant', '{"type":"function_call", broken')).toEqual({
      role: 'assistant',
      content: '{"type":"function_call", broken',
    });
  });

  it('a call without its output, or an output without its call, is refused; in stored history it is text', () => {
    const question = { role: 'user' as const, content: 'Weather?' };
    const answer = { role: 'user' as const, content: '', toolOutputs: [{ call_id: 'call_1', output: 'sunny' }] };
    expect(paramOf(() => assertCallsAnswered({ role: 'assistant', content: '', toolCalls: [call] }, [question]))).toBe(
      'input',
    );
    expect(paramOf(() => assertCallsAnswered(undefined, [answer]))).toBe('input');
    expect(() => assertCallsAnswered({ role: 'assistant', content: '', toolCalls: [call] }, [answer])).not.toThrow();
    // History cut by the history limit: the output's call is gone, so the output is shown as the text it was stored as.
    expect(toPrompt([answer, question])).toEqual([
      { role: 'user', content: storedContent(answer) },
      { role: 'user', content: 'Weather?' },
    ]);
  });
});

describe('Responses function tools', () => {
  const weather = {
    type: 'function',
    name: 'get_weather',
    description: 'Forecast',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
    strict: true,
  };
  const alarm = { type: 'function', name: 'set_alarm', parameters: null, strict: null };

  it('maps tools, tool_choice and parallel_tool_calls to the runtime', () => {
    expect(toGenerateToolsOf({})).toEqual({
      settings: { tools: [], toolChoice: 'auto', parallelToolCalls: true },
    });
    const named = toGenerateToolsOf({
      tools: [weather, alarm],
      tool_choice: { type: 'function', name: 'set_alarm' },
      parallel_tool_calls: false,
    });
    expect(named.generate).toEqual({
      tools: [{ name: 'get_weather', description: 'Forecast', parameters: weather.parameters }, { name: 'set_alarm' }],
      choice: { name: 'set_alarm' },
      parallel: false,
    });
    expect(named.settings.tools[1]).toEqual({
      type: 'function',
      name: 'set_alarm',
      description: null,
      parameters: null,
      strict: true,
    });
    const allowed = toGenerateToolsOf({
      tools: [weather, alarm],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'get_weather' }] },
    });
    expect(allowed.generate?.choice).toBe('required');
    expect(allowed.generate?.tools.map((t) => t.name)).toEqual(['get_weather']);
  });

  it('refuses built-in tools and choices, duplicates, unknown names and unenforceable schemas, naming them', () => {
    expect(paramOf(() => toGenerateToolsOf({ tools: [{ type: 'code_interpreter' }] }))).toBe('tools[0].type');
    expect(paramOf(() => toGenerateToolsOf({ tools: [{ type: 'computer_use_preview' }] }))).toBe('tools[0].type');
    expect(paramOf(() => toGenerateToolsOf({ tools: [weather, weather] }))).toBe('tools[1].name');
    expect(paramOf(() => toGenerateToolsOf({ tools: [{ ...weather, extra: 1 }] }))).toBe('tools[0].extra');
    expect(paramOf(() => toGenerateToolsOf({ tools: [{ ...weather, defer_loading: true }] }))).toBe(
      'tools[0].defer_loading',
    );
    expect(
      paramOf(() => toGenerateToolsOf({ tools: [weather], tool_choice: { type: 'mcp', server_label: 's' } })),
    ).toBe('tool_choice');
    expect(paramOf(() => toGenerateToolsOf({ tools: [weather], tool_choice: { type: 'function', name: 'x' } }))).toBe(
      'tool_choice.name',
    );
    expect(paramOf(() => toGenerateToolsOf({ tool_choice: { type: 'function', name: 'x' } }))).toBe('tool_choice.name');
    expect(
      paramOf(() =>
        toGenerateToolsOf({
          tools: [{ ...weather, parameters: { type: 'object', properties: { s: { type: 'string', pattern: 'a+' } } } }],
        }),
      ),
    ).toBe('tools[0].parameters');
  });
});
