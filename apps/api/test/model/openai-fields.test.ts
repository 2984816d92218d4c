/**
 * Every request field of the openai package's ChatCompletionCreateParams, one by one: honoured (with a check that
 * shows its effect) or refused with a 400 whose `param` names it. The list of fields is read from the package's own
 * type declarations, so a field added to the package fails this test until it is decided here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmStatus } from '@chat-studio/protocol';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';

type Field = keyof ChatCompletionCreateParamsBase;
interface Completion {
  choices: { message: { content: string | null; tool_calls?: unknown[] }; finish_reason: string; logprobs: unknown }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details?: { cached_tokens: number };
  };
  service_tier?: string;
}
interface ErrorBody {
  error: { type: string; param: string | null; message: string };
}

/** The field names of ChatCompletionCreateParamsBase as the installed openai package declares them. */
function declaredFields(): string[] {
  const js = createRequire(import.meta.url).resolve('openai/resources/chat/completions/completions');
  const dts = readFileSync(js.replace(/\.js$/, '.d.ts'), 'utf8');
  const body = /export interface ChatCompletionCreateParamsBase \{([\s\S]*?)\n\}/.exec(dts)?.[1] ?? '';
  return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!);
}

describe('every ChatCompletionCreateParams field is honoured or refused', () => {
  const tmp = tempDir();
  let server: ApiServer;
  let model: string;
  const CONTEXT = 256;

  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'db.sqlite'),
      MODELS_DIR: testModelsDir(),
      CHAT_CACHE_TTL: '0',
      LLAMA_CONTEXT_SIZE: String(CONTEXT),
    });
    model = (await waitForModelReady<LlmStatus>(server.baseUrl)).model_id!;
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  const post = (extra: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Once upon a time' }],
        max_tokens: 16,
        ...extra,
      }),
    });
  const ok = async (extra: Record<string, unknown>): Promise<Completion> => {
    const res = await post(extra);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return JSON.parse(text) as Completion;
  };
  const text = async (extra: Record<string, unknown>) => (await ok(extra)).choices[0]!.message.content ?? '';
  const refused = async (extra: Record<string, unknown>, param: string) => {
    const res = await post(extra);
    const body = (await res.json()) as ErrorBody;
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(body.error.message.length).toBeGreaterThan(10);
  };
  const fixed = { seed: 5, temperature: 0.9, max_tokens: 40 };
  const weather = {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { enum: ['Oslo', 'Lima'] } }, required: ['city'] },
    },
  };

  const fields: Record<Field, () => Promise<void>> = {
    messages: async () => {
      expect(await text({ ...fixed, messages: [{ role: 'user', content: 'The dog' }] })).not.toBe(
        await text({ ...fixed, messages: [{ role: 'user', content: 'The sun was hot' }] }),
      );
      await refused({ messages: [{ role: 'user', content: 'x', name: 'ann' }] }, 'messages.0.name');
      await refused(
        { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x' } }] }] },
        'messages.0.content',
      );
      await refused({ messages: [{ role: 'user', content: 'x', extra: 1 }] }, 'messages.0.extra');
    },
    model: async () => {
      await ok({ model });
      const res = await post({ model: 'no-such-model' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.param).toBe('model');
    },
    audio: () => refused({ audio: { voice: 'alloy', format: 'mp3' } }, 'audio'),
    frequency_penalty: async () => {
      expect(await text({ ...fixed, frequency_penalty: 2 })).not.toBe(await text(fixed));
      await refused({ frequency_penalty: 3 }, 'frequency_penalty');
    },
    function_call: () => refused({ function_call: 'auto' }, 'function_call'),
    functions: () => refused({ functions: [{ name: 'f' }] }, 'functions'),
    logit_bias: async () => {
      // +100 on one token: nearly every token sampled is that one.
      const biased = await ok({ ...fixed, logit_bias: { '300': 100 } });
      expect(biased.choices[0]!.message.content).not.toBe(await text(fixed));
      await refused({ logit_bias: { '99999999': 1 } }, 'logit_bias');
    },
    logprobs: async () => {
      expect((await ok({ logprobs: false })).choices[0]!.logprobs).toBeNull();
      await refused({ logprobs: true }, 'logprobs');
    },
    max_completion_tokens: async () => {
      const reply = await ok({ max_tokens: undefined, max_completion_tokens: 5, temperature: 0 });
      expect(reply.usage.completion_tokens).toBeLessThanOrEqual(5);
    },
    max_tokens: async () => {
      const reply = await ok({ max_tokens: 6, temperature: 0 });
      expect(reply.usage.completion_tokens).toBeLessThanOrEqual(6);
      // Beyond the context: clamped to the space left, with the prompt counted.
      const long = await ok({ max_tokens: 30_000, temperature: 1, seed: 3, logit_bias: { '1': -100, '2': -100 } });
      expect(long.usage.prompt_tokens).toBeGreaterThan(0);
      expect(long.usage.prompt_tokens + long.usage.completion_tokens).toBeLessThanOrEqual(CONTEXT);
      // A reply cut by the clamp fills the context (the last sampled token is never evaluated into it).
      if (long.choices[0]!.finish_reason === 'length')
        expect(long.usage.prompt_tokens + long.usage.completion_tokens).toBeGreaterThanOrEqual(CONTEXT - 2);
      else expect(long.choices[0]!.finish_reason).toBe('stop');
    },
    metadata: async () => {
      await ok({ metadata: {} });
      await refused({ metadata: { app: 'x' } }, 'metadata');
    },
    modalities: async () => {
      await ok({ modalities: ['text'] });
      await refused({ modalities: ['text', 'audio'] }, 'modalities');
    },
    n: async () => {
      await ok({ n: 1 });
      await refused({ n: 2 }, 'n');
    },
    parallel_tool_calls: async () => {
      const reply = await ok({ tools: [weather], tool_choice: 'required', parallel_tool_calls: false, max_tokens: 60 });
      expect(reply.choices[0]!.message.tool_calls).toHaveLength(1);
    },
    prediction: () => refused({ prediction: { type: 'content', content: 'x' } }, 'prediction'),
    presence_penalty: async () => {
      expect(await text({ ...fixed, presence_penalty: 2 })).not.toBe(await text(fixed));
    },
    prompt_cache_key: async () => {
      const first = await ok({ prompt_cache_key: 'walk', temperature: 0 });
      const messages = [
        { role: 'user', content: 'Once upon a time' },
        { role: 'assistant', content: first.choices[0]!.message.content },
        { role: 'user', content: 'And then?' },
      ];
      const second = await ok({ prompt_cache_key: 'walk', messages, temperature: 0 });
      expect(second.usage.prompt_tokens_details!.cached_tokens).toBeGreaterThan(0);
    },
    prompt_cache_retention: async () => {
      await ok({ prompt_cache_retention: 'in-memory' });
      await refused({ prompt_cache_retention: '24h' }, 'prompt_cache_retention');
    },
    reasoning_effort: () => refused({ reasoning_effort: 'low' }, 'reasoning_effort'),
    response_format: async () => {
      const reply = await text({
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'a',
            schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          },
        },
        max_tokens: 60,
      });
      expect(typeof (JSON.parse(reply) as { ok: boolean }).ok).toBe('boolean');
      await refused({ response_format: { type: 'xml' } }, 'response_format.type');
    },
    safety_identifier: () => ok({ safety_identifier: 'user-hash-1' }).then(() => undefined),
    seed: async () => {
      expect(await text(fixed)).toBe(await text(fixed));
      await refused({ seed: -1 }, 'seed');
      await refused({ seed: 2 ** 32 }, 'seed');
    },
    service_tier: async () => {
      await ok({ service_tier: 'auto' });
      await refused({ service_tier: 'flex' }, 'service_tier');
    },
    stop: async () => {
      const plain = await text({ temperature: 0, max_tokens: 30 });
      const word = plain.trim().split(/\s+/)[3]!;
      const stopped = await text({ temperature: 0, max_tokens: 30, stop: [word] });
      expect(stopped.length).toBeLessThan(plain.length);
      expect(stopped).not.toContain(word);
    },
    store: async () => {
      await ok({ store: false });
      await refused({ store: true }, 'store');
    },
    stream: async () => {
      const res = await post({ stream: true });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(await res.text()).toContain('data: [DONE]');
    },
    stream_options: async () => {
      const res = await post({ stream: true, stream_options: { include_usage: true } });
      expect(await res.text()).toMatch(/"usage":\{"prompt_tokens":\d+/);
      await refused(
        { stream: true, stream_options: { include_obfuscation: true } },
        'stream_options.include_obfuscation',
      );
    },
    temperature: async () => {
      expect(await text({ temperature: 0, max_tokens: 30 })).toBe(
        await text({ temperature: 0, max_tokens: 30, seed: 77 }),
      );
      await refused({ temperature: 3 }, 'temperature');
    },
    tool_choice: async () => {
      const reply = await ok({
        tools: [weather],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        max_tokens: 60,
      });
      expect(reply.choices[0]!.finish_reason).toBe('tool_calls');
    },
    tools: async () => {
      const reply = await ok({ tools: [weather], tool_choice: 'required', max_tokens: 60 });
      expect(reply.choices[0]!.message.tool_calls).toHaveLength(1);
      await refused({ tools: [{ type: 'custom', custom: { name: 'c' } }] }, 'tools.0.type');
    },
    top_logprobs: () => refused({ logprobs: false, top_logprobs: 2 }, 'top_logprobs'),
    top_p: async () => {
      // A tiny top_p keeps only the likeliest token: the greedy reply whatever the seed.
      expect(await text({ temperature: 1, top_p: 0.000001, seed: 8, max_tokens: 30 })).toBe(
        await text({ temperature: 0, max_tokens: 30 }),
      );
    },
    user: () => ok({ user: 'end-user-7' }).then(() => undefined),
    verbosity: () => refused({ verbosity: 'low' }, 'verbosity'),
    web_search_options: () => refused({ web_search_options: {} }, 'web_search_options'),
  };

  it('knows every field the openai package declares', () => {
    expect(Object.keys(fields).sort()).toEqual(declaredFields().sort());
  });

  for (const [field, check] of Object.entries(fields)) {
    it(field, check, 60_000);
  }

  it('refuses a field OpenAI does not have, naming it', () => refused({ frobnicate: true }, 'frobnicate'));
});
