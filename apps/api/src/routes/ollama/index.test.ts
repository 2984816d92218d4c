import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@chat-studio/protocol';
import { ApiError } from '../../errors/index.js';
import { modelIdOf, ollamaName, parameterSize } from './model-names.js';
import { ollamaFetch, viaOllamaListener } from './listener.js';
import { checkKeepAlive, parseOptions, toFormat, toParams } from './request-fields.js';
import { generationEvents } from '../../chat-service/turn-events.js';
import { ollamaReply } from './ndjson.js';
import { toOllamaPrompt, toOllamaToolCalls, toOllamaTools } from './tools.js';

const paramOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return (error.details as { param?: string }).param;
    const param = (error as { param?: unknown }).param;
    return typeof param === 'string' ? param : String(error);
  }
  return undefined;
};

describe('Ollama request fields', () => {
  it('maps options to generation parameters; num_predict -1 is the default', () => {
    const options = parseOptions(
      { temperature: 0.2, top_k: 5, seed: 7, num_predict: 12, stop: ['\n'], frequency_penalty: 0.5 },
      DEFAULT_LIMITS,
    );
    expect(toParams(options)).toEqual({
      temperature: 0.2,
      top_k: 5,
      seed: 7,
      max_tokens: 12,
      stop: ['\n'],
      frequency_penalty: 0.5,
    });
    expect(toParams(parseOptions({ num_predict: -1 }, DEFAULT_LIMITS))).toEqual({});
  });

  it('refuses unknown or invalid options by name', () => {
    expect(paramOf(() => parseOptions({ num_ctx: 4096 }, DEFAULT_LIMITS))).toBe('options.num_ctx');
    expect(paramOf(() => parseOptions({ temperature: 'hot' }, DEFAULT_LIMITS))).toBe('options.temperature');
    expect(paramOf(() => toParams(parseOptions({ num_predict: 0 }, DEFAULT_LIMITS)))).toBe('options.num_predict');
  });

  it('keep_alive: any duration but zero', () => {
    for (const ok of ['5m', '1h', -1, 300, '24h', undefined]) expect(paramOf(() => checkKeepAlive(ok))).toBeUndefined();
    for (const zero of [0, '0', '0s', '0m']) expect(paramOf(() => checkKeepAlive(zero))).toBe('keep_alive');
  });

  it('format: json is JSON mode, a schema a json_schema format, a schema in a stored chat is refused', () => {
    expect(toFormat('json', false)).toEqual({ jsonMode: true });
    expect(toFormat('json', true)).toEqual({ jsonMode: true });
    expect(toFormat({ type: 'object' }, false)).toEqual({
      responseFormat: { type: 'json_schema', schema: { type: 'object' } },
    });
    expect(toFormat('', false)).toEqual({});
    expect(paramOf(() => toFormat({ type: 'object' }, true))).toBe('format');
    expect(paramOf(() => toFormat('yaml', false))).toBe('format');
  });
});

describe('Ollama model names', () => {
  it('adds and strips the latest tag, and labels parameter counts as Ollama does', () => {
    expect(ollamaName('stories260K')).toBe('stories260K:latest');
    expect(modelIdOf('stories260K:latest')).toBe('stories260K');
    expect(modelIdOf('stories260K')).toBe('stories260K');
    expect(parameterSize(292_800)).toBe('292.8K');
    expect(parameterSize(7_241_732_096)).toBe('7.2B');
    expect(parameterSize(null)).toBe('');
  });
});

describe('the Ollama listener', () => {
  it('maps paths under /ollama, keeps method, headers and body, and marks the env', async () => {
    let seen: { url: string; method: string; auth: string | null; body: string; env: unknown } | undefined;
    const fetch = ollamaFetch(async (request, env) => {
      seen = {
        url: request.url,
        method: request.method,
        auth: request.headers.get('authorization'),
        body: await request.text(),
        env,
      };
      return new Response('ok');
    });
    await fetch(
      new Request('http://127.0.0.1:11434/api/chat?x=1', {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: '{"a":1}',
      }),
      { incoming: 1 },
    );
    expect(seen).toEqual({
      url: 'http://127.0.0.1:11434/ollama/api/chat?x=1',
      method: 'POST',
      auth: 'Bearer k',
      body: '{"a":1}',
      env: { incoming: 1, listener: 'ollama' },
    });
    expect(viaOllamaListener(seen!.env)).toBe(true);
    expect(viaOllamaListener({ incoming: 1 })).toBe(false);
    await fetch(new Request('http://127.0.0.1:11434/'));
    expect(seen!.url).toBe('http://127.0.0.1:11434/ollama');
  });
});

describe('Ollama tool calls', () => {
  const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };

  it('offers tools under auto and refuses invalid ones, naming them', () => {
    expect(toOllamaTools(undefined)).toBeUndefined();
    expect(toOllamaTools([])).toBeUndefined();
    expect(toOllamaTools([weather])).toEqual({
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      choice: 'auto',
    });
    expect(paramOf(() => toOllamaTools([weather, weather]))).toBe('tools[1].function.name');
    expect(paramOf(() => toOllamaTools([{ type: 'web_search' }]))).toBe('tools[0].type');
    expect(
      paramOf(() =>
        toOllamaTools([{ type: 'function', function: { name: 'f', parameters: { type: 'string', pattern: 'a' } } }]),
      ),
    ).toBe('tools[0].function.parameters');
  });

  it('gives calls ids and answers them in order; the reply’s arguments are objects', () => {
    const prompt = toOllamaPrompt([
      { role: 'user', content: 'Weather in Oslo and Lima?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
          { function: { name: 'get_weather', arguments: { city: 'Lima' } } },
        ],
      },
      { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
      { role: 'tool', content: 'rain' },
    ]);
    expect(prompt.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_1_0', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_1_1', name: 'get_weather', arguments: '{"city":"Lima"}' },
        ],
      },
      { role: 'tool', content: 'sunny', tool_call_id: 'call_1_0' },
      { role: 'tool', content: 'rain', tool_call_id: 'call_1_1' },
    ]);
    expect(paramOf(() => toOllamaPrompt([{ role: 'tool', content: 'x' }]))).toBe('messages[0]');
    expect(paramOf(() => toOllamaPrompt([{ role: 'user', content: 'x', tool_name: 'f' }]))).toBe(
      'messages[0].tool_name',
    );
    expect(toOllamaToolCalls([{ id: 'call_1', name: 'f', arguments: '{"a":1}' }])).toEqual([
      { function: { index: 0, name: 'f', arguments: { a: 1 } } },
    ]);
  });
});

describe('Ollama replies with tool calls', () => {
  const stats = {
    prompt_tokens: 3,
    completion_tokens: 2,
    total_ms: 10,
    time_to_first_token_ms: 4,
    tokens_per_second: null,
    finish_reason: 'stop' as const,
  };
  const app = new Hono().post('/chat/:stream', (c) =>
    ollamaReply(
      c,
      c.req.param('stream') === 'on',
      (_signal) =>
        generationEvents(async (emit) => {
          void emit({ type: 'token', text: 'Let me look.' });
          return {
            text: 'Let me look.',
            stats,
            toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
          };
        }),
      {
        piece: (text) => ({ message: { role: 'assistant', content: text }, done: false }),
        final: (text, _stats, streamed, toolCalls) => ({
          message: {
            role: 'assistant',
            content: streamed ? '' : text,
            ...(toolCalls?.length ? { tool_calls: toOllamaToolCalls(toolCalls) } : {}),
          },
          done: true,
        }),
        calls: (toolCalls) => ({
          message: { role: 'assistant', content: '', tool_calls: toOllamaToolCalls(toolCalls) },
          done: false,
        }),
      },
    ),
  );
  const call = [{ function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo' } } }];

  it('streamed: text pieces, then the calls in one line, then the last line', async () => {
    const text = await (await app.request('/chat/on', { method: 'POST' })).text();
    expect(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { message: { role: 'assistant', content: 'Let me look.' }, done: false },
      { message: { role: 'assistant', content: '', tool_calls: call }, done: false },
      { message: { role: 'assistant', content: '' }, done: true },
    ]);
  });

  it('not streamed: one object with the text and the calls', async () => {
    expect(await (await app.request('/chat/off', { method: 'POST' })).json()).toEqual({
      message: { role: 'assistant', content: 'Let me look.', tool_calls: call },
      done: true,
    });
  });
});
