import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';
import { startOpenAiTestServer, type OpenAiTestServer } from './openai-server.js';

const EMBEDDER = 'embedder';

describe('/v1/embeddings, /v1/completions and /v1/responses through the official openai package', () => {
  let t: OpenAiTestServer;
  let server: ApiServer;
  let openai: OpenAI;
  let client: OpenAiTestServer['client'];
  let model: string;

  beforeAll(async () => {
    // The test model under a second name as EMBEDDING_MODEL: loaded beside the chat model, without copying the file.
    t = await startOpenAiTestServer((dir) => {
      const models = path.join(dir, 'models');
      mkdirSync(models);
      symlinkSync(path.join(testModelsDir(), 'stories260K.gguf'), path.join(models, 'stories260K.gguf'));
      symlinkSync(path.join(testModelsDir(), 'stories260K.gguf'), path.join(models, `${EMBEDDER}.gguf`));
      return { MODELS_DIR: models, CHAT_MODEL: 'stories260K', EMBEDDING_MODEL: EMBEDDER };
    });
    ({ server, openai, client, model } = t);
  }, 150_000);
  afterAll(() => t?.stop());

  describe('embeddings', () => {
    it("have the model's dimension, and equal input gives equal vectors", async () => {
      const res = await openai.embeddings.create({
        model,
        input: ['Once upon a time', 'A dog', 'Once upon a time'],
        encoding_format: 'float',
      });
      expect(res.object).toBe('list');
      expect(res.model).toBe(model);
      expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
      for (const d of res.data) {
        expect(d.object).toBe('embedding');
        expect(d.embedding).toHaveLength(64); // stories260K's embedding length
        expect(Math.hypot(...d.embedding)).toBeCloseTo(1, 5);
      }
      expect(res.data[2]!.embedding).toEqual(res.data[0]!.embedding);
      expect(res.data[1]!.embedding).not.toEqual(res.data[0]!.embedding);
      expect(res.usage.prompt_tokens).toBeGreaterThan(3);
      expect(res.usage.total_tokens).toBe(res.usage.prompt_tokens);
    });

    it('float and base64 agree (the SDK asks for base64 by default and decodes it)', async () => {
      const float = await openai.embeddings.create({ model, input: 'Once upon a time', encoding_format: 'float' });
      const decoded = await openai.embeddings.create({ model, input: 'Once upon a time' });
      expect(decoded.data[0]!.embedding).toEqual(float.data[0]!.embedding);
      const raw = await fetch(`${server.baseUrl}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, input: 'Once upon a time', encoding_format: 'base64' }),
      });
      const body = (await raw.json()) as { data: { embedding: string }[] };
      expect(typeof body.data[0]!.embedding).toBe('string');
      const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
      expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4))).toEqual(
        float.data[0]!.embedding,
      );
    });

    it('EMBEDDING_MODEL embeds beside the chat model; token arrays embed; wrong model and dimensions are refused', async () => {
      const own = await openai.embeddings.create({
        model: EMBEDDER,
        input: 'Once upon a time',
        encoding_format: 'float',
      });
      const active = await openai.embeddings.create({ model, input: 'Once upon a time', encoding_format: 'float' });
      expect(own.model).toBe(EMBEDDER);
      expect(own.data[0]!.embedding).toEqual(active.data[0]!.embedding); // the same file
      const status = await client.llmStatus();
      expect(status.model_id).toBe(model);
      // The context each sequence of the loaded model has, for the composer's token meter.
      expect(status.context_size).toBeGreaterThanOrEqual(256);
      const tokens = await openai.embeddings.create({ model, input: [[1, 200, 300]], encoding_format: 'float' });
      expect(tokens.data[0]!.embedding).toHaveLength(64);
      const wrong = await openai.embeddings
        .create({ model: 'text-embedding-3-small', input: 'x' })
        .catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(OpenAI.NotFoundError);
      expect((wrong as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
      const dims = await openai.embeddings.create({ model, input: 'x', dimensions: 32 }).catch((e: unknown) => e);
      expect(dims).toBeInstanceOf(OpenAI.BadRequestError);
      expect((dims as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('dimensions');
    });
  });

  describe('completions', () => {
    it('continues the prompt, stops at a stop sequence, reports usage', async () => {
      const res = await openai.completions.create({
        model,
        prompt: 'Once upon a time',
        max_tokens: 40,
        temperature: 0,
        stop: ['.'],
      });
      expect(res.object).toBe('text_completion');
      expect(res.id).toMatch(/^cmpl-/);
      const choice = res.choices[0]!;
      expect(choice.text.length).toBeGreaterThan(0);
      expect(choice.text).not.toContain('.');
      expect(choice.finish_reason).toBe('stop');
      expect(res.usage!.completion_tokens).toBeGreaterThan(0);
      expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    });

    it('streams the same text as the non-streamed call, then the finish reason, usage and [DONE]', async () => {
      const params = { model, prompt: 'Lily went to the park', max_tokens: 8, temperature: 0 } as const;
      const whole = await openai.completions.create(params);
      const stream = await openai.completions.create({
        ...params,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      const text = chunks.map((c) => c.choices[0]?.text ?? '').join('');
      expect(text).toBe(whole.choices[0]!.text);
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('length');
      const last = chunks.at(-1)!;
      expect(last.choices).toEqual([]);
      expect(last.usage).toEqual(whole.usage);
      expect(last.usage!.completion_tokens).toBe(8);
    });

    it('answers one choice per prompt, echoes on request, and refuses n > 1', async () => {
      const res = await openai.completions.create({
        model,
        prompt: ['Once upon a time', 'The dog'],
        max_tokens: 4,
        echo: true,
      });
      expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
      expect(res.choices[0]!.text.startsWith('Once upon a time')).toBe(true);
      expect(res.choices[1]!.text.startsWith('The dog')).toBe(true);
      const n = await openai.completions.create({ model, prompt: 'x', n: 2 }).catch((e: unknown) => e);
      expect((n as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    });
  });

  describe('responses', () => {
    it('answers text input with a stored response whose output the SDK reads as output_text', async () => {
      const res = await openai.responses.create({
        model,
        input: 'Once upon a time',
        instructions: 'You tell stories.',
        max_output_tokens: 12,
      });
      expect(res.id).toMatch(/^resp_/);
      expect(res.object).toBe('response');
      expect(['completed', 'incomplete']).toContain(res.status);
      expect(res.instructions).toBe('You tell stories.');
      const message = res.output[0]!;
      expect(message.type).toBe('message');
      const text =
        message.type === 'message' && message.content[0]?.type === 'output_text' ? message.content[0].text : '';
      expect(text.length).toBeGreaterThan(0);
      expect(res.output_text).toBe(text);
      expect(res.usage!.output_tokens).toBeGreaterThan(0);
      expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);
      const retrieved = await openai.responses.retrieve(res.id);
      expect(retrieved.output_text).toBe(text);
    });

    it('streams the documented event sequence with increasing sequence numbers', async () => {
      const stream = await openai.responses.create({
        model,
        input: 'Tell me a story',
        max_output_tokens: 10,
        stream: true,
      });
      const events = [];
      for await (const event of stream) events.push(event);
      const types = events.map((e) => e.type);
      const deltas = types.filter((t) => t === 'response.output_text.delta').length;
      expect(deltas).toBeGreaterThan(0);
      expect(types).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        ...Array<string>(deltas).fill('response.output_text.delta'),
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        // 10 tokens is less than a story: max_output_tokens ends it, unless the model ends first.
        types.at(-1) === 'response.completed' ? 'response.completed' : 'response.incomplete',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const streamed = events.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
      const done = events.find((e) => e.type === 'response.output_text.done');
      expect(done?.type === 'response.output_text.done' && done.text).toBe(streamed);
      const last = events.at(-1)!;
      if (last.type !== 'response.incomplete' && last.type !== 'response.completed')
        throw new Error(`unexpected last event ${last.type}`);
      if (last.type === 'response.incomplete')
        expect(last.response.incomplete_details?.reason).toBe('max_output_tokens');
      const item = last.response.output[0];
      expect(item?.type === 'message' && item.content[0]?.type === 'output_text' && item.content[0].text).toBe(
        streamed,
      );
      const stored = await openai.responses.retrieve(last.response.id);
      expect(stored.status).toBe(last.response.status);
      expect(stored.output_text).toBe(streamed);
    });

    it('previous_response_id continues the stored conversation, visible through the native sessions API', async () => {
      const first = await openai.responses.create({ model, input: 'Once upon a time', max_output_tokens: 8 });
      const second = await openai.responses.create({
        model,
        input: 'What happened next?',
        previous_response_id: first.id,
        max_output_tokens: 8,
      });
      expect(second.previous_response_id).toBe(first.id);
      const sessionId = (first as unknown as { chat_session_id: string }).chat_session_id;
      expect((second as unknown as { chat_session_id: string }).chat_session_id).toBe(sessionId);
      const stored = (await client.listMessages(sessionId)).items;
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      expect(stored.map((m) => m.content)).toEqual([
        'Once upon a time',
        first.output_text,
        'What happened next?',
        second.output_text,
      ]);
      expect(`resp_${stored[3]!.id}`).toBe(second.id);
      // The web app lists it like any chat, and search finds it.
      expect((await client.listSessions()).items.map((s) => s.id)).toContain(sessionId);
      expect((await client.search('happened')).items.map((h) => h.session_id)).toContain(sessionId);
    });

    it('continuing from an earlier response is a sibling branch in the same chat; message input is stored whole', async () => {
      const first = await openai.responses.create({ model, input: 'The cat', max_output_tokens: 4 });
      const goneOn = await openai.responses.create({
        model,
        input: 'Then?',
        previous_response_id: first.id,
        max_output_tokens: 4,
      });
      const branch = await openai.responses.create({
        model,
        previous_response_id: first.id,
        input: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'input_text', text: 'A different ending' }] },
        ],
        max_output_tokens: 4,
      });
      const sessionId = (first as unknown as { chat_session_id: string }).chat_session_id;
      expect((branch as unknown as { chat_session_id: string }).chat_session_id).toBe(sessionId);
      // The chat now shows the new branch: the first exchange, then the branch's messages.
      const current = (await client.listMessages(sessionId)).items;
      expect(current.map((m) => [m.role, m.content])).toEqual([
        ['user', 'The cat'],
        ['assistant', first.output_text],
        ['system', 'Be brief.'],
        ['user', 'A different ending'],
        ['assistant', branch.output_text],
      ]);
      // The earlier continuation is kept as the other branch after the first reply (‹ 2 / 2 › in the web app).
      expect(current[2]).toMatchObject({ sibling_position: 2, sibling_count: 2 });
      expect((await openai.responses.retrieve(goneOn.id)).output_text).toBe(goneOn.output_text);
      // Continuing the other branch works too: its history is that branch's.
      const again = await openai.responses.create({
        model,
        input: 'And?',
        previous_response_id: goneOn.id,
        max_output_tokens: 4,
      });
      const other = (await client.listMessages(sessionId)).items.map((m) => m.content);
      expect(other).toEqual(['The cat', first.output_text, 'Then?', goneOn.output_text, 'And?', again.output_text]);
    });

    it('text.format json_object is JSON mode, and the stored reply is that JSON', async () => {
      const res = await openai.responses.create({
        model,
        input: 'A dog',
        text: { format: { type: 'json_object' } },
        max_output_tokens: 300,
      });
      expect(res.text?.format?.type).toBe('json_object');
      if (res.status === 'completed') expect(typeof JSON.parse(res.output_text)).toBe('object');
      expect((await openai.responses.retrieve(res.id)).output_text).toBe(res.output_text);
      // json_schema works (test/model/responses-tools.test.ts); a keyword the grammar cannot enforce is refused.
      const schema = await openai.responses
        .create({
          model,
          input: 'x',
          text: { format: { type: 'json_schema', name: 's', schema: { type: 'string', pattern: 'a+' } } },
        })
        .catch((e: unknown) => e);
      expect((schema as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('text.format.schema');
    });

    it('refuses built-in tools, store:false and unknown previous ids with OpenAI-shaped errors naming the field', async () => {
      // Function tools work (test/model/responses-tools.test.ts); built-in tools do not exist here.
      const tools = await openai.responses
        .create({ model, input: 'x', tools: [{ type: 'web_search' }] })
        .catch((e: unknown) => e);
      expect((tools as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tools[0].type');
      const store = await openai.responses.create({ model, input: 'x', store: false }).catch((e: unknown) => e);
      expect((store as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('store');
      const missing = await openai.responses
        .create({ model, input: 'x', previous_response_id: 'resp_01ARZ3NDEKTSV4RRFFQ69G5FAV' })
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
      expect((missing as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('previous_response_id');
    });
  });
});

describe('an EMBEDDING_MODEL that cannot load', () => {
  const tmp = tempDir();
  let server: ApiServer;

  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'db.sqlite'),
      MODELS_DIR: testModelsDir(),
      EMBEDDING_MODEL: 'no-such-embedder',
    });
    await waitForModelReady(server.baseUrl, { timeoutMs: 90_000 });
  }, 150_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('makes health degraded with the reason, and embedding requests for it 503', async () => {
    type Health = { status: string; reason: string; embedding_model: { state: string } };
    const read = async () => (await (await fetch(`${server.baseUrl}/health`)).json()) as Health;
    // The embedding model loads in the background beside the chat model.
    await expect.poll(async () => (await read()).embedding_model.state, { timeout: 30_000 }).toBe('error');
    const health = await read();
    expect(health.status).toBe('degraded');
    expect(health.embedding_model).toMatchObject({ model_id: 'no-such-embedder', state: 'error' });
    expect(health.reason).toMatch(/EMBEDDING_MODEL .*no-such-embedder/);
    const openai = new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
    const err = await openai.embeddings.create({ model: 'no-such-embedder', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503);
    expect((err as Error).message).toMatch(/no-such-embedder/);
  });
});
