/** The native API (/api/chat/send and /stream) with the sampling parameters of issue #13: seeds, penalties, JSON mode. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatApiError, createChatClient, type GenerationParams, type StreamEvent } from '@chat-studio/protocol';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';

describe('native chat API sampling parameters', () => {
  const tmp = tempDir();
  let server: ApiServer;
  let client: ReturnType<typeof createChatClient>;

  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'db.sqlite'),
      MODELS_DIR: testModelsDir(),
      CHAT_CACHE_TTL: '0',
      LLAMA_SEQUENCES: '4',
    });
    client = createChatClient({ baseUrl: server.baseUrl });
    await waitForModelReady(server.baseUrl);
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  const reply = async (params: GenerationParams, message = 'Once upon a time') => {
    const session = await client.createSession({});
    return (await client.send({ session_id: session.id, message, params })).assistant_message.content;
  };

  it('three chats at once without a seed get different replies; equal seeds repeat', async () => {
    const params = { temperature: 1, max_tokens: 24 };
    const replies = await Promise.all([reply(params), reply(params), reply(params)]);
    expect(new Set(replies).size).toBeGreaterThan(1);
    expect(await reply({ ...params, seed: 12 })).toBe(await reply({ ...params, seed: 12 }));
  }, 120_000);

  it('penalties and logit_bias change a fixed seed’s reply', async () => {
    const fixed = { temperature: 0.8, seed: 11, max_tokens: 48 };
    const plain = await reply(fixed, 'Tom and Tom and Tom');
    expect(await reply({ ...fixed, frequency_penalty: 2 }, 'Tom and Tom and Tom')).not.toBe(plain);
    expect(await reply({ ...fixed, presence_penalty: 2 }, 'Tom and Tom and Tom')).not.toBe(plain);
    expect(await reply({ ...fixed, logit_bias: { '300': 100 } }, 'Tom and Tom and Tom')).not.toBe(plain);
  }, 120_000);

  it('JSON mode streams one JSON object', async () => {
    const session = await client.createSession({ settings: { json_mode: true, max_tokens: 300 } });
    let done: Extract<StreamEvent, { type: 'done' }> | undefined;
    for await (const event of client.stream({ session_id: session.id, message: 'A cat', params: { seed: 4 } }))
      if (event.type === 'done') done = event;
    expect(done!.message.content.trimStart().startsWith('{')).toBe(true);
    if (done!.stats.finish_reason === 'stop') expect(typeof JSON.parse(done!.message.content)).toBe('object');
  }, 60_000);

  it('seed is bounded as on /v1 (0 to 2^32-1), and out-of-range values are a 400 naming the field', async () => {
    const session = await client.createSession({});
    for (const params of [{ seed: -1 }, { seed: 2 ** 32 }, { frequency_penalty: 2.5 }, { logit_bias: { abc: 1 } }]) {
      const error = await client.send({ session_id: session.id, message: 'x', params }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChatApiError);
      expect((error as ChatApiError).status).toBe(400);
      expect((error as ChatApiError).message).toContain(`params.${Object.keys(params)[0]}`);
    }
    // A token id the model does not have is refused by the runtime; the refused turn leaves nothing behind.
    const error = await client
      .send({ session_id: session.id, message: 'x', params: { logit_bias: { '99999999': 1 } } })
      .catch((e: unknown) => e);
    expect((error as ChatApiError).status).toBe(400);
    expect((error as ChatApiError).message).toContain('logit_bias');
    expect((await client.listMessages(session.id)).items).toEqual([]);
  }, 60_000);
});
