import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, type LlmStatus } from '@chat-studio/protocol';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';
import { startOpenAiTestServer, type OpenAiTestServer } from './openai-server.js';

describe('the official openai package against /v1', () => {
  let t: OpenAiTestServer;
  let server: ApiServer;
  let openai: OpenAI;
  let model: string;

  beforeAll(async () => {
    t = await startOpenAiTestServer();
    ({ server, openai, model } = t);
  }, 150_000);
  afterAll(() => t?.stop());

  it('lists models', async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id)).toContain(model);
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: expect.any(String) });
  });

  it('answers a non-streaming completion', async () => {
    const completion = await openai.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'You tell stories.' },
        { role: 'user', content: 'Once upon a time' },
      ],
      max_tokens: 12,
      temperature: 0.5,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.role).toBe('assistant');
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(completion.choices[0]!.finish_reason);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    // Reported like OpenAI's prompt caching: how much of the prompt the model already held.
    const cachedTokens = completion.usage!.prompt_tokens_details?.cached_tokens;
    expect(cachedTokens).toBeGreaterThanOrEqual(0);
    expect(cachedTokens).toBeLessThan(completion.usage!.prompt_tokens);
  });

  it('streams chunks with one id, a role first, a finish reason and usage last', async () => {
    const stream = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Tell me a story' }],
      max_completion_tokens: 20,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe('length');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBe(20);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
  });

  it('chat.completions.stream(...).finalChatCompletion() succeeds', async () => {
    const runner = openai.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 10,
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.role).toBe('assistant');
    expect(final.choices[0]!.finish_reason).toBeTruthy();
  });

  it('breaking out of the loop cancels generation on the server', async () => {
    const stream = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 32_000,
      stream: true,
    });
    let n = 0;
    for await (const _chunk of stream) {
      if (++n === 5) break;
    }
    const client = createChatClient({ baseUrl: server.baseUrl });
    // 32,000 tokens would take over 30 s (longer on a loaded machine); a cancelled stream frees its sequence at once.
    // The bound is far below the full reply yet leaves a loaded 2-core CI machine room (3 s did not always).
    await expect
      .poll(async () => (await client.llmStatus()).sequences_in_use, { timeout: 10_000, interval: 50 })
      .toBe(0);
  });

  it('rejects n other than 1 and an unknown model with OpenAI-shaped errors', async () => {
    const badN = await openai.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'x' }], n: 2 })
      .catch((e: unknown) => e);
    expect(badN).toBeInstanceOf(OpenAI.BadRequestError);
    expect((badN as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    const unknown = await openai.chat.completions
      .create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('stores the exchange in a session when X-Chat-Session-Id names one of the caller’s sessions', async () => {
    const client = createChatClient({ baseUrl: server.baseUrl });
    const session = await client.createSession({ title: 'from openai' });
    const completion = await openai.chat.completions.create(
      { model, messages: [{ role: 'user', content: 'A dog' }], max_tokens: 8 },
      { headers: { 'X-Chat-Session-Id': session.id } },
    );
    const stored = (await client.listMessages(session.id)).items;
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1]!.content).toBe(completion.choices[0]!.message.content);
    const missing = await openai.chat.completions
      .create(
        { model, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'X-Chat-Session-Id': '01ARZ3NDEKTSV4RRFFQ69G5FAV' } },
      )
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('the openai package with AUTH=on', () => {
  const tmp = tempDir();
  let server: ApiServer;
  let key: string;
  let model: string;

  beforeAll(async () => {
    const { spawnSync } = await import('node:child_process');
    const dbPath = path.join(tmp.dir, 'db.sqlite');
    const cli = path.resolve(import.meta.dirname, '../../dist/cli');
    const env = { ...process.env, DATABASE_PATH: dbPath };
    const add = spawnSync(process.execPath, [path.join(cli, 'users.js'), 'add', 'alice', '--password-stdin'], {
      env,
      input: 'alice-password-1\n',
      encoding: 'utf8',
    });
    expect(add.status, add.stderr).toBe(0);
    const created = spawnSync(process.execPath, [path.join(cli, 'keys.js'), 'create', 'alice'], {
      env,
      encoding: 'utf8',
    });
    expect(created.status, created.stderr).toBe(0);
    key = created.stdout.trim();
    server = await startApiServer({
      DATABASE_PATH: dbPath,
      MODELS_DIR: testModelsDir(),
      AUTH: 'on',
      RATE_LIMIT_CHAT: '2/minute',
    });
    model = (await waitForModelReady<LlmStatus>(server.baseUrl, { headers: { authorization: `Bearer ${key}` } }))
      .model_id!;
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('a wrong API key raises AuthenticationError; the right one works', async () => {
    const wrong = new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: 'cs_wrong', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const right = new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    expect((await right.models.list()).data.map((m) => m.id)).toContain(model);
  });

  it('a 429 surfaces as RateLimitError with Retry-After', async () => {
    const openai = new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const ask = () =>
      openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
    await ask();
    await ask();
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
  });
});
