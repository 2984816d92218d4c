import OpenAI from 'openai';
import type {
  FunctionTool,
  ResponseFunctionToolCall,
  ResponseInputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiTestServer, type OpenAiTestServer } from './openai-server.js';
import { alarmParams, valid } from './tool-fixtures.js';

const weatherParams = {
  type: 'object',
  properties: {
    city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] },
    days: { type: 'integer', enum: [1, 2, 3] },
  },
  required: ['city', 'days'],
  additionalProperties: false,
};
const tools: FunctionTool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'The weather forecast for a city',
    parameters: weatherParams,
    strict: true,
  },
  {
    type: 'function',
    name: 'set_alarm',
    description: 'Turns the alarm on or off',
    parameters: alarmParams,
    strict: true,
  },
];
const paramsOf: Record<string, object> = { get_weather: weatherParams, set_alarm: alarmParams };

const callsOf = (output: readonly { type: string }[]) =>
  output.filter((item): item is ResponseFunctionToolCall => item.type === 'function_call');

const paramOf = (error: unknown) => (error instanceof OpenAI.BadRequestError ? error.param : `not a 400: ${error}`);

describe('function tools on /v1/responses through the official openai package', () => {
  let t: OpenAiTestServer;
  let openai: OpenAI;
  let client: OpenAiTestServer['client'];
  let model: string;

  beforeAll(async () => {
    t = await startOpenAiTestServer();
    ({ openai, client, model } = t);
  }, 150_000);
  afterAll(() => t?.stop());

  it('a named function gives one schema-valid function_call item, echoed tools, and the same from GET', async () => {
    const res = await openai.responses.create({
      model,
      input: 'What is the weather in Oslo?',
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      max_output_tokens: 200,
    });
    expect(res.status).toBe('completed');
    expect(res.output.map((item) => item.type)).toEqual(['function_call']);
    const [call] = callsOf(res.output);
    expect(call).toMatchObject({
      type: 'function_call',
      id: expect.stringMatching(/^fc_/),
      call_id: expect.stringMatching(/^call_/),
      name: 'get_weather',
      status: 'completed',
    });
    expect(valid(weatherParams, JSON.parse(call!.arguments))).toBe(true);
    expect(res.output_text).toBe('');
    expect(res.tools.map((t) => (t.type === 'function' ? t.name : t.type))).toEqual(['get_weather', 'set_alarm']);
    expect(res.tool_choice).toEqual({ type: 'function', name: 'get_weather' });
    expect(res.parallel_tool_calls).toBe(true);
    const stored = await openai.responses.retrieve(res.id);
    expect(stored.output).toEqual(res.output);
  }, 120_000);

  it('required always calls one of the tools with arguments valid against its schema', async () => {
    for (const seed of [1, 2, 3]) {
      const res = await openai.responses.create({
        model,
        input: `Do something useful ${seed}`,
        tools,
        tool_choice: 'required',
        parallel_tool_calls: false,
        temperature: 1,
        max_output_tokens: 200,
      });
      const calls = callsOf(res.output);
      expect(calls).toHaveLength(1);
      const call = calls[0]!;
      expect(Object.keys(paramsOf)).toContain(call.name);
      expect(valid(paramsOf[call.name]!, JSON.parse(call.arguments))).toBe(true);
      expect(res.parallel_tool_calls).toBe(false);
    }
  }, 180_000);

  it('runs an agent loop: function_call, function_call_output with previous_response_id, answer; stored in one chat', async () => {
    const first = await openai.responses.create({
      model,
      input: 'What is the weather in Lima?',
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      max_output_tokens: 200,
    });
    const [call] = callsOf(first.output);
    const output = JSON.stringify({ forecast: 'sunny', celsius: 21 });
    const second = await openai.responses.create({
      model,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call!.call_id, output }],
      tools,
      max_output_tokens: 16,
    });
    expect(['completed', 'incomplete']).toContain(second.status);
    expect(second.output.length).toBeGreaterThan(0);
    expect(second.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);
    // The chat holds the question, the call, the output and the answer, each readable in the web app.
    const sessionId = (first as unknown as { chat_session_id: string }).chat_session_id;
    const stored = (await client.listMessages(sessionId)).items;
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(JSON.parse(stored[1]!.content)).toEqual({
      type: 'function_call',
      call_id: call!.call_id,
      name: 'get_weather',
      arguments: call!.arguments,
    });
    expect(JSON.parse(stored[2]!.content)).toEqual({ type: 'function_call_output', call_id: call!.call_id, output });

    // Continuing a function call without its output is refused before anything is stored.
    const unanswered = await openai.responses
      .create({ model, previous_response_id: first.id, input: 'And tomorrow?', max_output_tokens: 4 })
      .catch((e: unknown) => e);
    expect(paramOf(unanswered)).toBe('input');
    expect((await client.listMessages(sessionId)).items).toHaveLength(4);
  }, 180_000);

  it('the stateless loop (whole input replayed, no previous id) works too', async () => {
    const input: ResponseInputItem[] = [{ role: 'user', content: 'Set an alarm' }];
    const first = await openai.responses.create({
      model,
      input,
      tools,
      tool_choice: { type: 'function', name: 'set_alarm' },
      max_output_tokens: 200,
    });
    const [call] = callsOf(first.output);
    expect(valid(alarmParams, JSON.parse(call!.arguments))).toBe(true);
    input.push(...callsOf(first.output), { type: 'function_call_output', call_id: call!.call_id, output: 'done' });
    // The tools need not be offered again for the model to read the call and its output.
    const second = await openai.responses.create({ model, input, max_output_tokens: 8 });
    expect(['completed', 'incomplete']).toContain(second.status);
    // A function_call_output that answers no call is refused, naming the input.
    const orphan = await openai.responses
      .create({ model, input: [{ type: 'function_call_output', call_id: 'call_missing', output: 'x' }] })
      .catch((e: unknown) => e);
    expect(paramOf(orphan)).toBe('input');
  }, 180_000);

  it('streams function calls in OpenAI’s event order; the deltas reassemble to the final arguments', async () => {
    const stream = await openai.responses.create({
      model,
      input: 'Weather in Paris, please',
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      max_output_tokens: 200,
      stream: true,
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    const deltas = types.filter((t) => t === 'response.function_call_arguments.delta').length;
    expect(deltas).toBeGreaterThan(0);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      ...Array<string>(deltas).fill('response.function_call_arguments.delta'),
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const added = events.find((e) => e.type === 'response.output_item.added');
    if (added?.type !== 'response.output_item.added') throw new Error('no output_item.added');
    expect(added.item).toMatchObject({
      type: 'function_call',
      name: 'get_weather',
      arguments: '',
      status: 'in_progress',
    });
    const streamed = events.map((e) => (e.type === 'response.function_call_arguments.delta' ? e.delta : '')).join('');
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    if (done?.type !== 'response.function_call_arguments.done') throw new Error('no arguments.done');
    expect(done.arguments).toBe(streamed);
    expect(done.name).toBe('get_weather');
    expect(valid(weatherParams, JSON.parse(streamed))).toBe(true);
    const last = events.at(-1);
    if (last?.type !== 'response.completed') throw new Error('no response.completed');
    const [call] = callsOf(last.response.output);
    expect(call).toMatchObject({ id: done.item_id, arguments: streamed, status: 'completed' });
    expect(added.item.id).toBe(done.item_id);
    expect((await openai.responses.retrieve(last.response.id)).output).toEqual(last.response.output);
  }, 120_000);

  it('under auto the streamed items are the final output items, whatever the model chose', async () => {
    for (const seed of [1, 2]) {
      const stream = await openai.responses.create({
        model,
        input: `Once upon a time ${seed}`,
        tools,
        temperature: 1,
        max_output_tokens: 24,
        stream: true,
      });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      expect(events.slice(0, 2).map((e) => e.type)).toEqual(['response.created', 'response.in_progress']);
      const last = events.at(-1);
      if (last?.type !== 'response.completed' && last?.type !== 'response.incomplete')
        throw new Error(`unexpected last event ${last?.type}`);
      const done = events.flatMap((e) => (e.type === 'response.output_item.done' ? [e.item] : []));
      const added = events.flatMap((e) => (e.type === 'response.output_item.added' ? [e.item] : []));
      expect(done).toEqual(last.response.output);
      expect(added.map((item) => [item.type, item.id])).toEqual(done.map((item) => [item.type, item.id]));
      const text = events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
      // output_text is the SDK's sum of a non-streamed response; here the message item's text is compared.
      const message = done.find((item) => item.type === 'message');
      const final =
        message?.type === 'message' && message.content[0]?.type === 'output_text' ? message.content[0].text : '';
      expect(final).toBe(text);
      expect((await openai.responses.retrieve(last.response.id)).output).toEqual(last.response.output);
    }
  }, 120_000);

  it('tool_choice none and allowed_tools are honoured', async () => {
    const none = await openai.responses.create({
      model,
      input: 'Once',
      tools,
      tool_choice: 'none',
      max_output_tokens: 6,
    });
    expect(none.output.map((item) => item.type)).toEqual(['message']);
    const allowed = await openai.responses.create({
      model,
      input: 'Wake me up',
      tools,
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'set_alarm' }] },
      max_output_tokens: 200,
    });
    expect(callsOf(allowed.output).map((c) => c.name)).toEqual(['set_alarm']);
  }, 120_000);

  it('text.format json_schema: the reply validates against each schema, streamed or not, and is stored as that JSON', async () => {
    const schemas: Record<string, Record<string, unknown>> = {
      nested: {
        type: 'object',
        properties: {
          pet: {
            type: 'object',
            properties: { name: { type: 'string', maxLength: 12 }, legs: { type: 'integer', enum: [2, 4] } },
            required: ['name', 'legs'],
            additionalProperties: false,
          },
        },
        required: ['pet'],
        additionalProperties: false,
      },
      list: {
        type: 'object',
        properties: {
          colors: { type: 'array', items: { enum: ['red', 'green', 'blue'] }, minItems: 1, maxItems: 3 },
          done: { type: 'boolean' },
        },
        required: ['colors', 'done'],
        additionalProperties: false,
      },
    };
    for (const [name, schema] of Object.entries(schemas)) {
      const res = await openai.responses.create({
        model,
        input: 'Describe it',
        text: { format: { type: 'json_schema', name, schema, strict: true } },
        max_output_tokens: 300,
      });
      expect(res.status).toBe('completed');
      expect(valid(schema, JSON.parse(res.output_text))).toBe(true);
      expect(res.text?.format).toMatchObject({ type: 'json_schema', name, schema });
      expect((await openai.responses.retrieve(res.id)).output_text).toBe(res.output_text);
    }
    const stream = await openai.responses.create({
      model,
      input: 'Describe it',
      text: { format: { type: 'json_schema', name: 'list', schema: schemas.list! } },
      max_output_tokens: 300,
      stream: true,
    });
    let streamed = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') streamed += event.delta;
    expect(valid(schemas.list!, JSON.parse(streamed))).toBe(true);
  }, 180_000);

  it('refuses built-in tools, unknown names and schema keywords the grammar cannot enforce, naming the field', async () => {
    const refused = async (body: Record<string, unknown>) =>
      paramOf(
        await openai.responses
          .create({ model, input: 'x', max_output_tokens: 4, ...body } as Parameters<typeof openai.responses.create>[0])
          .catch((e: unknown) => e),
      );
    expect(await refused({ tools: [{ type: 'web_search' }] })).toBe('tools[0].type');
    expect(await refused({ tools: [...tools, { type: 'file_search', vector_store_ids: ['v'] }] })).toBe(
      'tools[2].type',
    );
    expect(await refused({ tools: [{ type: 'mcp', server_label: 's', server_url: 'http://x' }] })).toBe(
      'tools[0].type',
    );
    expect(await refused({ tools, tool_choice: { type: 'function', name: 'nope' } })).toBe('tool_choice.name');
    expect(await refused({ tools, tool_choice: { type: 'web_search_preview' } })).toBe('tool_choice');
    expect(await refused({ tool_choice: 'required' })).toBe('tool_choice');
    expect(await refused({ tools, max_tool_calls: 1 })).toBe('max_tool_calls');
    expect(
      await refused({
        tools: [
          {
            type: 'function',
            name: 'f',
            strict: true,
            parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } },
          },
        ],
      }),
    ).toBe('tools[0].parameters');
    expect(await refused({ tools, text: { format: { type: 'json_object' } } })).toBe('text.format');
    expect(
      await refused({ tools, text: { format: { type: 'json_schema', name: 's', schema: { type: 'object' } } } }),
    ).toBe('text.format');
    expect(await refused({ input: [{ type: 'web_search_call', id: 'ws', status: 'completed' }] })).toBe(
      'input[0].type',
    );
  }, 60_000);
});
