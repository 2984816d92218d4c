import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLlmRuntime,
  UnsupportedRequestError,
  type GenerateRequest,
  type LlmRuntime,
  type ToolCallDelta,
  type ToolDefinition,
} from '../../src/index.js';
import { MODELS_DIR } from './helpers.js';

const story = (content: string) => [{ role: 'user' as const, content }];
let runtime: LlmRuntime;

beforeAll(async () => {
  runtime = createLlmRuntime({ modelsDir: MODELS_DIR, threads: 1, sequences: 4, queueLimit: 8, cacheTtlS: 0, env: {} });
  await runtime.start();
  await runtime.whenLoaded();
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] },
      days: { type: 'integer', enum: [1, 2, 3] },
    },
    required: ['city', 'days'],
    additionalProperties: false,
  },
};
const alarm: ToolDefinition = {
  name: 'set_alarm',
  parameters: { type: 'object', properties: { on: { type: 'boolean' } }, required: ['on'] },
};

describe('sampling', () => {
  it('draws a fresh seed per request without one, and keeps a given seed', async () => {
    const params = { max_tokens: 24, temperature: 1 };
    const replies = await Promise.all(
      [1, 2, 3, 4].map(() => runtime.generate({ messages: story('Once upon a time'), params })),
    );
    expect(new Set(replies.map((r) => r.seed)).size).toBe(4);
    expect(new Set(replies.map((r) => r.text)).size).toBeGreaterThan(1);
    const a = await runtime.generate({ messages: story('Once upon a time'), params: { ...params, seed: 7 } });
    const b = await runtime.generate({ messages: story('Once upon a time'), params: { ...params, seed: 7 } });
    expect(a.seed).toBe(7);
    expect(b.text).toBe(a.text);
  }, 120_000);

  it('penalties change the text of a fixed seed', async () => {
    const base = { max_tokens: 48, temperature: 0.8, seed: 11 };
    const plain = await runtime.generate({ messages: story('Tom and Tom and Tom'), params: base });
    const penalised = await runtime.generate({
      messages: story('Tom and Tom and Tom'),
      params: { ...base, frequency_penalty: 2, presence_penalty: 2 },
    });
    expect(penalised.text).not.toBe(plain.text);
  }, 60_000);

  it('logit_bias -100 bans a token', async () => {
    const base = { max_tokens: 30, temperature: 0, seed: 1 };
    const plain = await runtime.generate({ messages: story('Once upon a time'), params: base });
    expect(plain.text.length).toBeGreaterThan(0);
    await expect(
      runtime.generate({ messages: story('Hi'), params: { ...base, logit_bias: { '999999': 5 } } }),
    ).rejects.toBeInstanceOf(UnsupportedRequestError);
  }, 60_000);

  it('clamps max_tokens to the context and reports the prompt', async () => {
    const result = await runtime.generate({
      messages: story('Once upon a time'),
      params: { max_tokens: 30_000, temperature: 0.8 },
      fitToContext: true,
    });
    expect(result.stats.prompt_tokens).toBeGreaterThan(0);
    expect(result.stats.prompt_tokens + result.stats.completion_tokens).toBeLessThanOrEqual(2048);
  }, 300_000);
});

describe('a reply past the context without fitToContext', () => {
  it('still reports the prompt (it read 0 once the reply had shifted the prompt out)', async () => {
    const small = createLlmRuntime({
      modelsDir: MODELS_DIR,
      threads: 1,
      sequences: 1,
      contextSize: 128,
      cacheTtlS: 0,
      env: {},
    });
    try {
      await small.start();
      await small.whenLoaded();
      const result = await small.generate({
        messages: story('Once upon a time'),
        params: { max_tokens: 400, seed: 1 },
      });
      expect(result.stats.completion_tokens).toBeGreaterThan(128);
      expect(result.stats.prompt_tokens).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  }, 120_000);
});

describe('tools', () => {
  it('a named tool gives a schema-valid call, streamed in pieces that join to the call', async () => {
    for (const seed of [1, 2, 3]) {
      const deltas: ToolCallDelta[] = [];
      const request: GenerateRequest = {
        messages: story('What is the weather?'),
        params: { max_tokens: 200, seed, temperature: 1 },
        tools: { tools: [weather, alarm], choice: { name: 'get_weather' } },
        onToolCall: (d) => deltas.push(d),
      };
      const result = await runtime.generate(request);
      const call = result.toolCalls![0]!;
      expect(call.name).toBe('get_weather');
      const args = JSON.parse(call.arguments) as { city: string; days: number };
      expect(['Paris', 'Oslo', 'Lima']).toContain(args.city);
      expect(deltas[0]).toMatchObject({ index: 0, name: 'get_weather', id: call.id });
      expect(deltas.map((d) => d.arguments).join('')).toBe(call.arguments);
    }
  }, 120_000);

  it('required picks one of several tools', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const deltas: ToolCallDelta[] = [];
      const result = await runtime.generate({
        messages: story('Do something'),
        params: { max_tokens: 200, seed, temperature: 1 },
        tools: { tools: [weather, alarm], choice: 'required' },
        onToolCall: (d) => deltas.push(d),
      });
      const call = result.toolCalls![0]!;
      expect(['get_weather', 'set_alarm']).toContain(call.name);
      JSON.parse(call.arguments);
      expect(deltas.filter((d) => d.name).map((d) => d.name)).toEqual([call.name]);
      expect(deltas.map((d) => d.arguments).join('')).toBe(call.arguments);
    }
  }, 120_000);

  it('auto with a tool result in history answers', async () => {
    const result = await runtime.generate({
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo","days":1}' }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
      params: { max_tokens: 30, seed: 3 },
      tools: { tools: [weather], choice: 'auto' },
    });
    expect(result.text.length + (result.toolCalls?.length ?? 0)).toBeGreaterThan(0);
  }, 60_000);

  it('json_schema response format', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20 },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
      },
      required: ['name', 'tags'],
    };
    const result = await runtime.generate({
      messages: story('JSON please'),
      params: { max_tokens: 200, seed: 5 },
      responseFormat: { type: 'json_schema', schema },
    });
    JSON.parse(result.text);
  }, 60_000);
});
