import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, LlmStatus, Page } from '@chat-studio/protocol';
import {
  freePort,
  startApiServer,
  tempDir,
  testModelsDir,
  waitForModelReady,
  type ApiServer,
} from '@chat-studio/test-support';

/** Keys of the last line of an Ollama chat or generate reply, as Ollama's docs/api.md lists them. */
const FINAL_KEYS = [
  'model',
  'created_at',
  'done',
  'done_reason',
  'total_duration',
  'load_duration',
  'prompt_eval_count',
  'prompt_eval_duration',
  'eval_count',
  'eval_duration',
];

type Line = Record<string, unknown> & { done: boolean };

describe("Ollama's API on OLLAMA_PORT, with AUTH=on", () => {
  const tmp = tempDir();
  let server: ApiServer;
  let ollama: string;
  let key: string;
  let model: string;

  const call = (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${ollama}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const lines = async (res: Response) =>
    (await res.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
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
    const port = await freePort();
    server = await startApiServer({
      DATABASE_PATH: dbPath,
      MODELS_DIR: testModelsDir(),
      AUTH: 'on',
      OLLAMA_PORT: String(port),
      CHAT_CACHE_TTL: '0',
    });
    ollama = `http://127.0.0.1:${port}`;
    model = (
      await waitForModelReady<LlmStatus>(server.baseUrl, {
        headers: { authorization: `Bearer ${key}` },
        timeoutMs: 90_000,
      })
    ).model_id!;
  }, 150_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('answers / without a key, everything else with the same keys as the main port', async () => {
    const root = await fetch(`${ollama}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toBe('Ollama is running');
    const anonymous = await fetch(`${ollama}/api/tags`);
    expect(anonymous.status).toBe(401);
    expect(typeof ((await anonymous.json()) as { error: unknown }).error).toBe('string');
    const version = (await (await call('GET', '/api/version')).json()) as { version: string };
    expect(version.version).toMatch(/^\d+\.\d+\.\d+$/);
    // The main port keeps its own /api: Ollama's routes are not there.
    expect((await fetch(`${server.baseUrl}/api/tags`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(
      404,
    );
    expect(
      (await fetch(`${server.baseUrl}/ollama/api/tags`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(404);
  });

  it('lists and shows the model in Ollama’s shapes', async () => {
    const { models } = (await (await call('GET', '/api/tags')).json()) as { models: Record<string, unknown>[] };
    const entry = models.find((m) => m.name === `${model}:latest`)!;
    expect(Object.keys(entry).sort()).toEqual(['details', 'digest', 'model', 'modified_at', 'name', 'size']);
    expect(entry).toMatchObject({
      model: `${model}:latest`,
      size: 1_185_376,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama',
        families: ['llama'],
        parameter_size: '292.8K',
        quantization_level: 'F32',
      },
    });
    expect(Number.isNaN(Date.parse(entry.modified_at as string))).toBe(false);
    const show = (await (await call('POST', '/api/show', { model: `${model}:latest` })).json()) as Record<
      string,
      unknown
    >;
    expect(show).toMatchObject({
      details: { format: 'gguf', family: 'llama' },
      model_info: { 'general.architecture': 'llama', 'general.parameter_count': 292_800, 'llama.context_length': 2048 },
      capabilities: ['completion', 'embedding'],
    });
    const missing = await call('POST', '/api/show', { model: 'llama3.2' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/llama3\.2/);
  });

  it('streams /api/chat as NDJSON: pieces with done false, then one line with done true and the figures', async () => {
    const res = await call('POST', '/api/chat', {
      model,
      messages: [{ role: 'user', content: 'Tell me a story' }],
      options: { num_predict: 12, temperature: 0 },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const all = await lines(res);
    const last = all.at(-1)!;
    const pieces = all.slice(0, -1);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(Object.keys(piece).sort()).toEqual(['created_at', 'done', 'message', 'model']);
      expect(piece).toMatchObject({ model, done: false, message: { role: 'assistant', content: expect.any(String) } });
    }
    expect(Object.keys(last)).toEqual(expect.arrayContaining([...FINAL_KEYS, 'message']));
    expect(last).toMatchObject({
      done: true,
      done_reason: 'length',
      eval_count: 12,
      message: { role: 'assistant', content: '' },
    });
    expect(last.prompt_eval_count).toBeGreaterThan(0);
    expect(last.total_duration).toBeGreaterThan(0);

    const whole = (await (
      await call('POST', '/api/chat', {
        model,
        messages: [{ role: 'user', content: 'Tell me a story' }],
        options: { num_predict: 12, temperature: 0 },
        stream: false,
      })
    ).json()) as Line & { message: { content: string } };
    expect(whole).toMatchObject({ model, done: true, done_reason: 'length', eval_count: 12 });
    expect(whole.message.content).toBe(pieces.map((p) => (p.message as { content: string }).content).join(''));
  });

  it('/api/generate: a templated prompt (with system), and raw continues the prompt as written', async () => {
    const templated = await lines(
      await call('POST', '/api/generate', {
        model: `${model}:latest`,
        prompt: 'Once upon a time',
        system: 'You tell stories.',
        options: { num_predict: 6 },
      }),
    );
    expect(templated.at(-1)).toMatchObject({ done: true, response: '', eval_count: 6 });
    expect(Object.keys(templated[0]!).sort()).toEqual(['created_at', 'done', 'model', 'response']);
    const raw = (await (
      await call('POST', '/api/generate', {
        model,
        prompt: 'Once upon a time',
        raw: true,
        stream: false,
        options: { num_predict: 40, temperature: 0, stop: ['.'] },
      })
    ).json()) as Line & { response: string };
    expect(Object.keys(raw)).toEqual(expect.arrayContaining([...FINAL_KEYS, 'response']));
    expect(raw.response.length).toBeGreaterThan(0);
    expect(raw.response).not.toContain('.');
    expect(raw.done_reason).toBe('stop');
    // An empty prompt "loads" the model, as Ollama answers.
    expect(await (await call('POST', '/api/generate', { model, stream: false })).json()).toMatchObject({
      response: '',
      done: true,
      done_reason: 'load',
    });
  });

  it('format "json" and a JSON schema constrain the reply (grammar-enforced, whatever the model)', async () => {
    const json = (await (
      await call('POST', '/api/chat', {
        model,
        messages: [{ role: 'user', content: 'A dog' }],
        format: 'json',
        stream: false,
        options: { num_predict: 300 },
      })
    ).json()) as {
      message: { content: string };
      done_reason: string;
    };
    if (json.done_reason === 'stop') expect(typeof JSON.parse(json.message.content)).toBe('object');
    const schema = {
      type: 'object',
      properties: { age: { type: 'integer' }, available: { type: 'boolean' } },
      required: ['age', 'available'],
    };
    const res = (await (
      await call('POST', '/api/generate', {
        model,
        prompt: 'Ollama is 22 years old',
        format: schema,
        stream: false,
        options: { num_predict: 300 },
      })
    ).json()) as {
      response: string;
      done_reason: string;
    };
    expect(res.done_reason).toBe('stop');
    const parsed = JSON.parse(res.response) as { age: unknown; available: unknown };
    expect(Number.isInteger(parsed.age)).toBe(true);
    expect(typeof parsed.available).toBe('boolean');
  });

  it('/api/embed and the legacy /api/embeddings', async () => {
    const res = (await (
      await call('POST', '/api/embed', { model, input: ['Why is the sky blue?', 'Why is the sky blue?'] })
    ).json()) as {
      model: string;
      embeddings: number[][];
      total_duration: number;
      load_duration: number;
      prompt_eval_count: number;
    };
    expect(Object.keys(res).sort()).toEqual([
      'embeddings',
      'load_duration',
      'model',
      'prompt_eval_count',
      'total_duration',
    ]);
    expect(res.embeddings).toHaveLength(2);
    expect(res.embeddings[0]).toHaveLength(64);
    expect(res.embeddings[1]).toEqual(res.embeddings[0]);
    expect(res.prompt_eval_count).toBeGreaterThan(0);
    const legacy = (await (
      await call('POST', '/api/embeddings', { model, prompt: 'Why is the sky blue?' })
    ).json()) as { embedding: number[] };
    expect(legacy.embedding).toEqual(res.embeddings[0]);
  });

  it('tools reach the model (auto: Ollama has no tool_choice), and calls with their results are read back', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'The weather forecast for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const ask = { model, messages: [{ role: 'user', content: 'What is the weather in Oslo?' }], stream: false };
    const options = { num_predict: 8, seed: 1 };
    const plain = (await (await call('POST', '/api/chat', { ...ask, options })).json()) as Line;
    const res = await call('POST', '/api/chat', { ...ask, tools, options });
    expect(res.status).toBe(200);
    const offered = (await res.json()) as Line & { message: { role: string; tool_calls?: unknown[] } };
    expect(offered.message.role).toBe('assistant');
    // The functions are documented in the prompt, so it is longer than without them: tools are not ignored.
    expect(offered.prompt_eval_count as number).toBeGreaterThan(plain.prompt_eval_count as number);
    for (const c of offered.message.tool_calls ?? [])
      expect(c).toMatchObject({ function: { name: 'get_weather', arguments: expect.any(Object) } });

    // The second turn of an agent loop: the call and its result in the history, streamed.
    const history = [
      ...ask.messages,
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }],
      },
      { role: 'tool', content: '{"forecast":"sunny"}', tool_name: 'get_weather' },
    ];
    const loop = await call('POST', '/api/chat', { model, messages: history, tools, options });
    expect(loop.status).toBe(200);
    const last = (await lines(loop)).at(-1)!;
    expect(last).toMatchObject({ done: true });
    expect(last.prompt_eval_count as number).toBeGreaterThan(offered.prompt_eval_count as number);

    // A tool result without a call, a call without a result, and tools in a stored chat are refused.
    const refused: [unknown, RegExp][] = [
      [{ model, messages: [{ role: 'tool', content: 'x' }] }, /messages\[0\]/],
      [{ model, messages: history.slice(0, 2) }, /get_weather has no tool message/],
      [{ model, messages: [...history.slice(0, 2), { ...history[2], tool_name: 'other' }] }, /tool_name/],
      [{ model, messages: ask.messages, tools: [{ type: 'function', function: { name: 'f', x: 1 } }] }, /tools\[0\]/],
    ];
    for (const [body, pattern] of refused) {
      const r = await call('POST', '/api/chat', body);
      expect(r.status, String(pattern)).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(pattern);
    }
  }, 120_000);

  it('refuses what it cannot honour with 400 {error} naming the field, and an unknown model with 404', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['/api/chat', { model, messages: [{ role: 'user', content: 'x' }], options: { num_ctx: 4096 } }, /num_ctx/],
      ['/api/chat', { model, messages: [{ role: 'user', content: 'x', images: ['aGk='] }] }, /images/],
      ['/api/chat', { model, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] }, /tools/],
      ['/api/generate', { model, prompt: 'x', raw: true, format: 'json' }, /format/],
      ['/api/generate', { model, prompt: 'x', raw: true, system: 'y' }, /system/],
    ];
    for (const [route, body, pattern] of cases) {
      const res = await call('POST', route, body);
      expect(res.status, String(pattern)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(pattern);
    }
    const unknown = await call('POST', '/api/chat', { model: 'llama3.2', messages: [{ role: 'user', content: 'x' }] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/llama3\.2/);
  });

  it('with X-Chat-Session-Id the exchange is stored in that session, as on /v1', async () => {
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const session = (await (
      await fetch(`${server.baseUrl}/api/chat/sessions`, { method: 'POST', headers: auth, body: '{}' })
    ).json()) as { id: string };
    const reply = (await (
      await call(
        'POST',
        '/api/chat',
        { model, messages: [{ role: 'user', content: 'A dog' }], stream: false, options: { num_predict: 6 } },
        { 'X-Chat-Session-Id': session.id },
      )
    ).json()) as {
      message: { content: string };
    };
    const stored = (await (
      await fetch(`${server.baseUrl}/api/chat/sessions/${session.id}/messages`, { headers: auth })
    ).json()) as Page<ChatMessage>;
    expect(stored.items.map((m) => [m.role, m.content])).toEqual([
      ['user', 'A dog'],
      ['assistant', reply.message.content],
    ]);
  });
});
