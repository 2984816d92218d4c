import type { Llama, LlamaChatResponse, ChatModelFunctions } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { UnsupportedRequestError } from '../errors/index.js';
import type { ToolCallDelta } from '../provider/index.js';
import { planGeneration } from './generation-plan.js';

// `auto` tools and plain requests build no grammar, so no llama.cpp instance is needed for them.
const noLlama = {} as Llama;
const tool = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

describe('planGeneration with auto tools', () => {
  it('streams each call as id and name first, then its params pieces, and reads the calls back', async () => {
    const deltas: ToolCallDelta[] = [];
    const plan = await planGeneration(noLlama, {
      messages: [],
      tools: { tools: [tool] },
      onToolCall: (d) => deltas.push(d),
    });
    expect(plan.functions).toEqual({ get_weather: { params: tool.parameters } });
    plan.onFunctionCallParamsChunk!({
      callIndex: 0,
      functionName: 'get_weather',
      paramsChunk: '{"city":',
      done: false,
    });
    plan.onFunctionCallParamsChunk!({ callIndex: 0, functionName: 'get_weather', paramsChunk: ' "Oslo"}', done: true });
    plan.onFunctionCallParamsChunk!({ callIndex: 1, functionName: 'get_weather', paramsChunk: '{}', done: true });
    const response = {
      functionCalls: [
        { functionName: 'get_weather', params: { city: 'Oslo' } },
        { functionName: 'get_weather', params: {} },
      ],
    } as unknown as LlamaChatResponse<ChatModelFunctions>;
    const { toolCalls } = plan.finish(response, '');
    expect(toolCalls).toEqual([
      { id: deltas[0]!.id, name: 'get_weather', arguments: '{"city": "Oslo"}' },
      { id: deltas[3]!.id, name: 'get_weather', arguments: '{}' },
    ]);
    expect(deltas.map((d) => [d.index, d.name ?? null, d.arguments])).toEqual([
      [0, 'get_weather', ''],
      [0, null, '{"city":'],
      [0, null, ' "Oslo"}'],
      [1, 'get_weather', ''],
      [1, null, '{}'],
    ]);
  });

  it('parallel false allows one call; a response format cannot join auto tools', async () => {
    expect(
      (await planGeneration(noLlama, { messages: [], tools: { tools: [tool], parallel: false } }))
        .maxParallelFunctionCalls,
    ).toBe(1);
    await expect(
      planGeneration(noLlama, { messages: [], tools: { tools: [tool] }, params: { json_mode: true } }),
    ).rejects.toMatchObject({ param: 'response_format' });
    await expect(
      planGeneration(noLlama, {
        messages: [],
        tools: { tools: [{ name: 'f', parameters: { type: 'string', pattern: 'x' } }] },
      }),
    ).rejects.toBeInstanceOf(UnsupportedRequestError);
  });

  it('tool_choice none is a plain reply', async () => {
    const plan = await planGeneration(noLlama, { messages: [], tools: { tools: [tool], choice: 'none' } });
    expect(plan.functions).toBeUndefined();
    expect(plan.grammar).toBeUndefined();
    expect(plan.onText('hi')).toBe('hi');
  });
});
