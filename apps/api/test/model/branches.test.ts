/**
 * Branches with the real model over a real server: edit and regenerate keep the old versions, switching the current
 * leaf changes what the model is sent, /v1 with X-Chat-Session-Id appends to the current leaf, and a branch switch
 * evaluates only what differs from what the sequence holds.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, type ChatMessage, type GenerationStats, type StreamEvent } from '@chat-studio/protocol';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';

const params = { max_tokens: 8 };

describe('branches with the real model over a real server', () => {
  const tmp = tempDir();
  let server: ApiServer;
  let client: ReturnType<typeof createChatClient>;

  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'chat_history.db'),
      MODELS_DIR: testModelsDir(),
      LLAMA_SEQUENCES: '2',
    });
    client = createChatClient({ baseUrl: server.baseUrl });
    await waitForModelReady(server.baseUrl);
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  /** Runs an SSE turn to its end: the stored user message, the reply and its stats. */
  async function collect(
    events: AsyncGenerator<StreamEvent>,
  ): Promise<{ user: ChatMessage; reply: ChatMessage; stats: GenerationStats }> {
    let user: ChatMessage | undefined;
    for await (const event of events) {
      if (event.type === 'start') user = event.user_message;
      if (event.type === 'error') throw new Error(`${event.code}: ${event.message}`);
      if (event.type === 'done') return { user: user!, reply: event.message, stats: event.stats };
    }
    throw new Error('stream ended without done');
  }
  const branch = async (sessionId: string) => (await client.listMessages(sessionId, { limit: 100 })).items;
  const contents = (items: ChatMessage[]) => items.map((m) => m.content);

  it('edit and regenerate add siblings and keep the old branch; switching the leaf changes what the model sees', async () => {
    const s = (await client.createSession()).id;
    const one = await client.send({ session_id: s, message: 'Once upon a time', params });
    const two = await client.send({ session_id: s, message: 'The dog ran', params });

    const again = await collect(client.regenerate(s, two.assistant_message.id, { params }));
    expect(again.user.id).toBe(two.user_message.id);
    expect(again.reply.parent_id).toBe(two.user_message.id);
    const afterRegenerate = await branch(s);
    expect(afterRegenerate.map((m) => m.id)).toEqual([
      one.user_message.id,
      one.assistant_message.id,
      two.user_message.id,
      again.reply.id,
    ]);
    expect(afterRegenerate.at(-1)).toMatchObject({ sibling_position: 2, sibling_count: 2 });
    const replies = await client.siblings(s, again.reply.id);
    expect(replies).toMatchObject({ position: 2, count: 2 });
    expect(replies.items.map((m) => m.id)).toEqual([two.assistant_message.id, again.reply.id]);

    const long =
      'The little girl walked to the big green park with her small brown dog and her red ball and her old blue hat and sang';
    const edited = await collect(client.edit(s, two.user_message.id, { content: long, params }));
    expect(edited.user).toMatchObject({ content: long, parent_id: one.assistant_message.id });
    expect(contents(await branch(s))).toEqual([
      one.user_message.content,
      one.assistant_message.content,
      long,
      edited.reply.content,
    ]);
    // Nothing was deleted: the old question and both of its replies are still there.
    for (const m of [two.user_message, two.assistant_message, again.reply])
      expect((await client.siblings(s, m.id)).items.map((x) => x.id)).toContain(m.id);
    expect((await client.getSession(s)).message_count).toBe(7);

    const onLong = await client.send({ session_id: s, message: 'What then?', params });
    // Back to the first version: its newest branch is the regenerated reply.
    const switched = await client.switchBranch(s, two.user_message.id);
    expect(switched.current_leaf_id).toBe(again.reply.id);
    expect((await branch(s)).map((m) => m.id)).toEqual([
      one.user_message.id,
      one.assistant_message.id,
      two.user_message.id,
      again.reply.id,
    ]);
    const onShort = await client.send({ session_id: s, message: 'What then?', params });
    expect(onShort.user_message.parent_id).toBe(again.reply.id);
    // The long question is no longer in what the model is sent.
    expect(onShort.stats.prompt_tokens).toBeLessThan(onLong.stats.prompt_tokens - 15);

    // /v1 with X-Chat-Session-Id appends to the current leaf.
    await client.switchBranch(s, onLong.assistant_message.id);
    const res = await fetch(`${server.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session-id': s },
      body: JSON.stringify({
        model: (await client.llmStatus()).model_id,
        max_tokens: 8,
        messages: [{ role: 'user', content: 'And at night?' }],
      }),
    });
    expect(res.status).toBe(200);
    const tail = (await branch(s)).slice(-3);
    expect(tail.map((m) => m.id)[0]).toBe(onLong.assistant_message.id);
    expect(tail[1]).toMatchObject({ role: 'user', content: 'And at night?', parent_id: onLong.assistant_message.id });

    // Deleting the edited question takes its subtree (itself, its reply, two more exchanges) and nothing else.
    expect(await client.countSubtree(s, edited.user.id)).toEqual({ message_id: edited.user.id, count: 6 });
    expect(await client.deleteMessage(s, edited.user.id)).toEqual({
      deleted: 6,
      current_leaf_id: onShort.assistant_message.id,
    });
    expect((await client.getSession(s)).message_count).toBe(7);
  }, 120_000);

  it('switching back to a branch evaluates only what differs from what the sequence holds', async () => {
    const s = (await client.createSession()).id;
    await client.send({ session_id: s, message: 'Once upon a time there was a cat', params });
    // The sequence holds the first exchange: this turn evaluates only its own message.
    const second = await client.send({
      session_id: s,
      message: 'The cat liked to play with a red ball in the garden',
      params,
    });
    const shared = second.stats.cached_tokens!;
    expect(shared).toBeGreaterThan(5);

    // An edit of the second question: the sequence keeps the shared first exchange and evaluates the new text.
    const edited = await collect(
      client.edit(s, second.user_message.id, {
        content: 'The cat slept all day on the warm blue mat by the door',
        params,
      }),
    );
    expect(edited.stats.cached_tokens).toBeGreaterThanOrEqual(shared - 2);

    // Back to the first version, whose prefix the sequence holds up to where the branches part.
    await client.switchBranch(s, second.user_message.id);
    const back = await client.send({ session_id: s, message: 'And then?', params });
    const evaluated = back.stats.prompt_tokens - back.stats.cached_tokens!;
    console.log(
      `[branches] prompt ${back.stats.prompt_tokens} tokens, held ${back.stats.cached_tokens}, evaluated ${evaluated} (shared prefix ${shared})`,
    );
    expect(back.stats.cached_tokens).toBeGreaterThanOrEqual(shared - 2);
    expect(evaluated).toBeLessThanOrEqual(back.stats.prompt_tokens - shared + 2);
    expect(evaluated).toBeGreaterThan(10);

    // The next-turn preload follows branches too: switch, prepare, and the turn evaluates only its new message.
    await client.switchBranch(s, edited.user.id);
    expect(await client.prepare({ session_id: s, params })).toEqual({ status: 'preparing' });
    const prepared = await client.send({ session_id: s, message: 'And then?', params });
    const preparedEvaluated = prepared.stats.prompt_tokens - prepared.stats.cached_tokens!;
    console.log(
      `[branches] after prepare: prompt ${prepared.stats.prompt_tokens} tokens, evaluated ${preparedEvaluated}`,
    );
    expect(preparedEvaluated).toBeLessThan(30);
    expect(prepared.user_message.parent_id).toBe(edited.reply.id);
  }, 120_000);
});
