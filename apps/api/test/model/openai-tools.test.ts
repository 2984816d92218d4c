import OpenAI from 'openai';
import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '@chat-studio/test-support';
import { startOpenAiTestServer, type OpenAiTestServer } from './openai-server.js';
import { alarmParams, valid } from './tool-fixtures.js';

const weatherParams = {
  type: 'object',
  properties: {
    city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] },
    days: { type: 'integer', enum: [1, 2, 3] },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city', 'days', 'unit'],
  additionalProperties: false,
};
const tools: ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'The weather forecast for a city', parameters: weatherParams },
  },
  {
    type: 'function',
    function: { name: 'set_alarm', description: 'Turns the alarm on or off', parameters: alarmParams },
  },
];
const paramsOf: Record<string, object> = { get_weather: weatherParams, set_alarm: alarmParams };

describe('tools and structured output through the official openai package', () => {
  let t: OpenAiTestServer;
  let server: ApiServer;
  let openai: OpenAI;
  let model: string;

  beforeAll(async () => {
    t = await startOpenAiTestServer();
    ({ server, openai, model } = t);
  }, 150_000);
  afterAll(() => t?.stop());

  it('retrieves a model, and answers 404 in OpenAI shape for an unknown one', async () => {
    const found = await openai.models.retrieve(model);
    expect(found).toMatchObject({ id: model, object: 'model', owned_by: expect.any(String) });
    const missing = await openai.models.retrieve('no-such-model').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('model');
  });

  it('runs an agent loop: tool call, tool result, answer', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Oslo?' }];
    const first = await openai.chat.completions.create({
      model,
      messages,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 200,
      seed: 1,
    });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall;
    expect(call).toMatchObject({
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'get_weather' },
    });
    expect(valid(weatherParams, JSON.parse(call.function.arguments))).toBe(true);

    messages.push(choice.message, {
      role: 'tool',
      tool_call_id: call.id,
      content: JSON.stringify({ forecast: 'sunny', celsius: 21 }),
    });
    const second = await openai.chat.completions.create({ model, messages, tools, max_tokens: 24, seed: 1 });
    expect(['stop', 'length', 'tool_calls']).toContain(second.choices[0]!.finish_reason);
    if (second.choices[0]!.finish_reason !== 'tool_calls')
      expect(second.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(second.usage!.prompt_tokens).toBeGreaterThan(first.usage!.prompt_tokens);

    // A result that answers no call is refused, naming it.
    const orphan = await openai.chat.completions
      .create({
        model,
        messages: [...messages.slice(0, 1), { role: 'tool', tool_call_id: 'call_missing', content: 'x' }],
        max_tokens: 5,
      })
      .catch((error: unknown) => error);
    expect(orphan).toBeInstanceOf(OpenAI.BadRequestError);
    expect((orphan as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages.1.tool_call_id');
  }, 120_000);

  it('streams tool calls as OpenAI does; the pieces reassemble to the non-streamed call', async () => {
    for (const toolChoice of ['required', { type: 'function', function: { name: 'set_alarm' } }] as const) {
      const request = {
        model,
        messages: [{ role: 'user' as const, content: 'Wake me up' }],
        tools,
        tool_choice: toolChoice,
        max_tokens: 200,
        temperature: 0,
      };
      const whole = await openai.chat.completions.create(request);
      const expected = (whole.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall).function;

      const stream = await openai.chat.completions.create({ ...request, stream: true });
      const pieces: { id?: string; type?: string; name?: string; args: string }[] = [];
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
          pieces[delta.index] ??= { args: '' };
          const piece = pieces[delta.index]!;
          if (delta.id) {
            // id, type and name come first, once per call.
            expect(piece).toEqual({ args: '' });
            Object.assign(piece, { id: delta.id, type: delta.type, name: delta.function?.name });
          }
          piece.args += delta.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe('tool_calls');
      expect(pieces).toHaveLength(1);
      expect(pieces[0]).toMatchObject({
        id: expect.stringMatching(/^call_/),
        type: 'function',
        name: expected.name,
        args: expected.arguments,
      });

      // The SDK's own reassembly agrees.
      const final = await openai.chat.completions.stream(request).finalChatCompletion();
      expect(
        (final.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall).function,
      ).toMatchObject(expected);
    }
  }, 120_000);

  it('required and a named tool always give arguments valid against the schema', async () => {
    const messages = [{ role: 'user' as const, content: 'Once upon a time' }];
    for (let seed = 1; seed <= 6; seed++) {
      const required = await openai.chat.completions.create({
        model,
        messages,
        tools,
        tool_choice: 'required',
        max_tokens: 200,
        seed,
        temperature: 1.2,
      });
      const named = await openai.chat.completions.create({
        model,
        messages,
        tools,
        tool_choice: { type: 'function', function: { name: 'set_alarm' } },
        max_tokens: 200,
        seed,
        temperature: 1.2,
      });
      for (const reply of [required, named]) {
        const call = reply.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall;
        expect(reply.choices[0]!.finish_reason).toBe('tool_calls');
        expect(
          valid(paramsOf[call.function.name]!, JSON.parse(call.function.arguments)),
          `seed ${seed}: ${call.function.arguments}`,
        ).toBe(true);
      }
      expect((named.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall).function.name).toBe(
        'set_alarm',
      );
    }
  }, 180_000);

  it('tool_choice none and allowed_tools are honoured; unknown names are refused', async () => {
    const none = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      tools,
      tool_choice: 'none',
      max_tokens: 8,
    });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    const allowed = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      tools,
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'set_alarm' } }] },
      },
      max_tokens: 200,
    });
    expect((allowed.choices[0]!.message.tool_calls![0] as ChatCompletionMessageFunctionToolCall).function.name).toBe(
      'set_alarm',
    );
    const unknown = await openai.chat.completions
      .create({
        model,
        messages: [{ role: 'user', content: 'Hi' }],
        tools,
        tool_choice: { type: 'function', function: { name: 'nope' } },
      })
      .catch((error: unknown) => error);
    expect((unknown as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice.function.name');
  }, 60_000);

  const schemas: Record<string, object> = {
    'nested objects': {
      type: 'object',
      properties: {
        hero: {
          type: 'object',
          properties: { name: { type: 'string', maxLength: 16 }, age: { type: 'integer', enum: [3, 4, 5] } },
          required: ['name', 'age'],
          additionalProperties: false,
        },
        place: {
          type: 'object',
          properties: { town: { type: 'string', enum: ['Oak', 'Elm'] } },
          required: ['town'],
          additionalProperties: false,
        },
      },
      required: ['hero', 'place'],
      additionalProperties: false,
    },
    arrays: {
      type: 'object',
      properties: {
        colors: { type: 'array', items: { type: 'string', enum: ['red', 'green', 'blue'] }, minItems: 1, maxItems: 3 },
        pairs: {
          type: 'array',
          items: {
            type: 'object',
            properties: { k: { type: 'string', maxLength: 8 }, v: { type: 'boolean' } },
            required: ['k', 'v'],
            additionalProperties: false,
          },
          maxItems: 2,
        },
      },
      required: ['colors', 'pairs'],
      additionalProperties: false,
    },
    'enums and nullable (anyOf)': {
      type: 'object',
      properties: {
        mood: { enum: ['happy', 'sad', 'sleepy'] },
        note: { anyOf: [{ type: 'string', maxLength: 10 }, { type: 'null' }] },
        when: { type: 'string', format: 'date' },
      },
      required: ['mood', 'note', 'when'],
      additionalProperties: false,
    },
  };

  for (const [name, schema] of Object.entries(schemas)) {
    it(`json_schema output validates: ${name}`, async () => {
      for (const seed of [1, 2, 3]) {
        const reply = await openai.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Tell me about a cat' }],
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'answer', schema: schema as Record<string, unknown>, strict: true },
          },
          max_tokens: 400,
          seed,
          temperature: 1,
        });
        const text = reply.choices[0]!.message.content!;
        expect(reply.choices[0]!.finish_reason, text).toBe('stop');
        const value = JSON.parse(text) as { when?: string };
        expect(valid(schema, value), text).toBe(true);
        if (name.startsWith('enums')) expect(value.when).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }, 120_000);
  }

  it('json_object output is one JSON object', async () => {
    const reply = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
      max_tokens: 400,
      seed: 4,
    });
    const text = reply.choices[0]!.message.content!;
    if (reply.choices[0]!.finish_reason === 'stop') expect(typeof JSON.parse(text)).toBe('object');
    expect(text.trimStart().startsWith('{')).toBe(true);
  }, 60_000);

  it('schema keywords the grammar cannot enforce are a 400 naming the keyword and the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        {
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'x',
              schema: { type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]+$' } } },
            },
          },
        },
        'response_format.json_schema.schema',
        '"pattern"',
      ],
      [
        {
          tools: [
            {
              type: 'function',
              function: {
                name: 'f',
                parameters: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } },
              },
            },
          ],
          tool_choice: 'required',
        },
        'tools.0.function.parameters',
        '"minimum"',
      ],
      [
        { tools: [{ type: 'function', function: { name: 'f', parameters: { allOf: [] } } }] },
        'tools.0.function.parameters',
        '"allOf"',
      ],
      // Streamed requests are refused the same way, before the stream starts.
      [
        {
          stream: true,
          response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'number', maximum: 3 } } },
        },
        'response_format.json_schema.schema',
        '"maximum"',
      ],
      [{ stream: true, logit_bias: { '99999999': 1 } }, 'logit_bias', 'vocabulary'],
    ];
    for (const [extra, param, keyword] of cases) {
      const res = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4, ...extra }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { type: string; param: string; message: string } };
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(body.error.message).toContain(keyword);
    }
  });

  it('parallel requests without a seed differ; equal seeds repeat', async () => {
    const ask = (seed?: number) =>
      openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Once upon a time' }],
        max_tokens: 24,
        temperature: 1,
        ...(seed !== undefined ? { seed } : {}),
      });
    const unseeded = await Promise.all([ask(), ask(), ask(), ask()]);
    expect(new Set(unseeded.map((r) => r.choices[0]!.message.content)).size).toBeGreaterThan(1);
    const [a, b] = await Promise.all([ask(99), ask(99)]);
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
  }, 120_000);

  it('penalties change the output of a fixed seed', async () => {
    const ask = (extra: object) =>
      openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Tom and Tom and Tom' }],
        max_tokens: 48,
        temperature: 0.8,
        seed: 11,
        ...extra,
      });
    const plain = (await ask({})).choices[0]!.message.content;
    expect((await ask({})).choices[0]!.message.content).toBe(plain);
    expect((await ask({ frequency_penalty: 2 })).choices[0]!.message.content).not.toBe(plain);
    expect((await ask({ presence_penalty: 2 })).choices[0]!.message.content).not.toBe(plain);
  }, 120_000);
});
