import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type ChatMessage, type GenerationStats } from '@chat-studio/protocol';
import type { TurnEvent } from '../../../chat-service/index.js';
import { ApiError } from '../../../errors/index.js';
import { assertCallsAnswered, fromStored, storedContent, toPrompt } from './function-items.js';
import { toGenerateToolsOf } from './function-tools.js';
import { toInputMessages, toParams } from './request.js';
import type { SseFrame } from '../../../streaming/index.js';
import {
  messageIdOf,
  responseId,
  responseObject,
  statusOf,
  type OutputState,
  type ResponseFacts,
} from './response-object.js';
import { responseEncoder, type StoredTurn } from './stream-encoder.js';

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

describe('the Responses stream encoder (written by the one SSE writer)', () => {
  const facts = (messageId: string): ResponseFacts => ({
    messageId,
    createdAt: 1,
    model: 'tiny',
    instructions: null,
    previousResponseId: null,
    maxOutputTokens: null,
    temperature: null,
    topP: null,
    sessionId: 's1',
  });
  const stats: GenerationStats = {
    prompt_tokens: 3,
    completion_tokens: 2,
    time_to_first_token_ms: 1,
    tokens_per_second: 5,
    total_ms: 4,
    finish_reason: 'stop',
  };
  const message = (id: string, role: ChatMessage['role'], content: string) =>
    ({ id, session_id: 's1', role, content, status: 'complete', parent_id: null }) as ChatMessage;
  const finalState = (turn: StoredTurn): OutputState => ({
    status: statusOf(turn.stats),
    text: turn.assistant_message.content,
    usage: { input: turn.stats.prompt_tokens, output: turn.stats.completion_tokens, cached: 0 },
  });
  const decoded = (frames: SseFrame[]) =>
    frames.map((frame) => {
      const data = JSON.parse(frame.data) as { type: string; sequence_number: number };
      expect(data.type).toBe(frame.event);
      return data;
    });
  const start: TurnEvent = {
    type: 'start',
    userMessage: message('u', 'user', 'hi'),
    assistantMessageId: 'r',
    modelId: 'tiny',
  };

  it("writes OpenAI's event order for a text reply, numbered from 0 without a gap", () => {
    const encoder = responseEncoder({ factsFor: facts, finalState, eagerMessage: true });
    const turn = {
      user_message: message('u', 'user', 'hi'),
      assistant_message: message('r', 'assistant', 'Hi!'),
      stats,
    };
    const events = decoded([
      ...encoder.frames(start),
      ...encoder.frames({ type: 'token', text: 'Hi' }),
      ...encoder.frames({ type: 'token', text: '!' }),
      ...encoder.frames({ type: 'done', text: 'Hi!', stats, turn }),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, k) => k));
    expect(events.at(-1)).toMatchObject({ response: { id: 'resp_r', status: 'completed' } });
  });

  it('a function call is an item of its own; with tools the message item waits for text', () => {
    const encoder = responseEncoder({ factsFor: facts, finalState, eagerMessage: false });
    const frames = [
      ...encoder.frames(start),
      ...encoder.frames({ type: 'tool_call', delta: { index: 0, id: 'call_1', name: 'f', arguments: '{"a"' } }),
      ...encoder.frames({ type: 'tool_call', delta: { index: 0, arguments: ':1}' } }),
    ];
    expect(decoded(frames).map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
    ]);
    expect(decoded(frames)[2]).toMatchObject({ output_index: 0, item: { type: 'function_call', name: 'f' } });
  });

  it('errors are described by code: an error event before the response exists, response.failed after', () => {
    const busy = Object.assign(new Error('generation queue is full (8 waiting); retry in 5 s'), { code: 'queue_full' });
    const before = responseEncoder({ factsFor: facts, finalState, eagerMessage: true });
    expect(decoded(before.frames({ type: 'error', error: busy }))).toEqual([
      {
        type: 'error',
        sequence_number: 0,
        code: 'queue_full',
        message: 'Chat service is busy: generation queue is full (8 waiting); retry in 5 s',
        param: null,
      },
    ]);
    const after = responseEncoder({ factsFor: facts, finalState, eagerMessage: true });
    after.frames(start);
    after.frames({ type: 'token', text: 'par' });
    const defect = new Error('secret internals');
    const [failed] = decoded(after.frames({ type: 'error', error: defect, assistantMessageId: 'r' }));
    expect(failed).toMatchObject({
      type: 'response.failed',
      sequence_number: 5,
      response: { status: 'failed', error: { code: 'server_error', message: 'Internal server error' } },
    });
    expect(JSON.stringify(failed)).not.toContain('secret internals');
  });
});
