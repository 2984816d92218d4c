import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ChatMessage,
  ChatSession,
  DeleteMessageResponse,
  ErrorEnvelope,
  MessageAroundPage,
  MessageSiblings,
  Page,
  SubtreeCount,
} from '@chat-studio/protocol';
import { createApp, LOCAL_PRINCIPAL } from '../../app/create-app.js';
import { openTestStore } from '../../test-support.js';

type Ctx = Awaited<ReturnType<typeof openTestStore>>;
let ctx: Ctx;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  ctx = await openTestStore();
  app = createApp({ store: ctx.store, config: ctx.config });
});
afterEach(async () => {
  await ctx.cleanup();
});

const post = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
async function get<T>(path: string): Promise<T> {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
async function expectError(res: Response, status: number, code: string): Promise<ErrorEnvelope> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorEnvelope;
  expect(body.error.code).toBe(code);
  return body;
}

/** A chat with two versions of its second question: q1 a1 q2 a2 (old), q1 a1 q2' a2' (current). */
async function branchedChat() {
  const s = (await (await app.request('/api/chat/sessions', post({ title: 'Branches' }))).json()) as ChatSession;
  const add = async (role: 'user' | 'assistant', content: string, parent_id?: string | null) =>
    (await ctx.store.messages.append(LOCAL_PRINCIPAL.userId, s.id, {
      role,
      content,
      ...(parent_id === undefined ? {} : { parent_id }),
    }))!;
  const q1 = await add('user', 'first question');
  const a1 = await add('assistant', 'first answer');
  const q2 = await add('user', 'old second question about a narwhal');
  const a2 = await add('assistant', 'old second answer');
  const q2b = await add('user', 'new second question', a1.id);
  const a2b = await add('assistant', 'new second answer');
  return { s, q1, a1, q2, a2, q2b, a2b };
}

const ids = (items: readonly ChatMessage[]) => items.map((m) => m.id);

describe('branch routes', () => {
  it('lists the current branch with sibling positions, lists siblings and switches branches', async () => {
    const { s, q1, a1, q2, a2, q2b, a2b } = await branchedChat();
    const base = `/api/chat/sessions/${s.id}`;
    const current = await get<Page<ChatMessage>>(`${base}/messages`);
    expect(ids(current.items)).toEqual([q1.id, a1.id, q2b.id, a2b.id]);
    expect(current.items[2]).toMatchObject({ parent_id: a1.id, sibling_position: 2, sibling_count: 2 });

    const siblings = await get<MessageSiblings>(`${base}/messages/${q2b.id}/siblings`);
    expect(siblings).toMatchObject({ position: 2, count: 2 });
    expect(ids(siblings.items)).toEqual([q2.id, q2b.id]);

    const res = await app.request(`${base}/branch`, post({ message_id: q2.id }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as ChatSession).current_leaf_id).toBe(a2.id);
    expect(ids((await get<Page<ChatMessage>>(`${base}/messages?order=desc`)).items)).toEqual([
      a2.id,
      q2.id,
      a1.id,
      q1.id,
    ]);
    expect((await get<ChatSession>(base)).message_count).toBe(6);
  });

  it('opens a search hit on another branch: around pages that branch and names its leaf, branch makes it current', async () => {
    const { s, q2, a2, a2b } = await branchedChat();
    const base = `/api/chat/sessions/${s.id}`;
    const hits = await get<Page<{ message_id: string }>>('/api/chat/search?q=narwhal');
    expect(hits.items.map((h) => h.message_id)).toEqual([q2.id]);
    const around = await get<MessageAroundPage>(`${base}/messages?around=${q2.id}`);
    expect(around.leaf_id).toBe(a2.id);
    expect(ids(around.items).slice(-2)).toEqual([q2.id, a2.id]);
    // Reading does not switch; the branch route does.
    expect((await get<ChatSession>(base)).current_leaf_id).toBe(a2b.id);
    await app.request(`${base}/branch`, post({ message_id: q2.id }));
    expect((await get<ChatSession>(base)).current_leaf_id).toBe(a2.id);
  });

  it('says how big a subtree is and deletes it in one request, moving the leaf back', async () => {
    const { s, a1, q2b, a2 } = await branchedChat();
    const base = `/api/chat/sessions/${s.id}`;
    expect(await get<SubtreeCount>(`${base}/messages/${a1.id}/subtree`)).toEqual({ message_id: a1.id, count: 5 });
    const res = await app.request(`${base}/messages/${q2b.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect((await res.json()) as DeleteMessageResponse).toEqual({ deleted: 2, current_leaf_id: a2.id });
    expect((await get<ChatSession>(base)).message_count).toBe(4);
    await expectError(await app.request(`${base}/messages/${q2b.id}/subtree`), 404, 'not_found');
  });

  it('refuses what it cannot do, with the field named, and changes nothing', async () => {
    const { s, a1, q2b } = await branchedChat();
    const base = `/api/chat/sessions/${s.id}`;
    const before = await get<Page<ChatMessage>>(`${base}/messages`);
    await expectError(await app.request(`${base}/branch`, post({})), 400, 'validation_error');
    await expectError(
      await app.request(`${base}/branch`, post({ message_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })),
      404,
      'not_found',
    );
    const notUser = await expectError(
      await app.request(`${base}/messages/${a1.id}/edit`, post({ content: 'x' })),
      400,
      'validation_error',
    );
    expect(notUser.error.details).toMatchObject({ param: 'messageId' });
    await expectError(
      await app.request(`${base}/messages/${q2b.id}/edit`, post({ content: '' })),
      400,
      'validation_error',
    );
    const unknown = await expectError(
      await app.request(`${base}/messages/${q2b.id}/edit`, post({ content: 'x', surprise: 1 })),
      400,
      'validation_error',
    );
    expect(unknown.error.message).toContain('surprise');
    await expectError(
      await app.request(`${base}/messages/${a1.id}/regenerate`, post({ surprise: 1 })),
      400,
      'validation_error',
    );
    // Without a model: 503 before anything is stored.
    await expectError(
      await app.request(`${base}/messages/${q2b.id}/edit`, post({ content: 'x' })),
      503,
      'chat_unavailable',
    );
    await expectError(await app.request(`${base}/messages/${a1.id}/regenerate`, post({})), 503, 'chat_unavailable');
    expect(await get<Page<ChatMessage>>(`${base}/messages`)).toEqual(before);
    expect((await get<ChatSession>(base)).message_count).toBe(6);
  });
});

describe('PATCH of a message', () => {
  it('adds a new version beside the old one and never overwrites it', async () => {
    const { s, q2b, a2b } = await branchedChat();
    const res = await app.request(`/api/chat/sessions/${s.id}/messages/${q2b.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'third wording of the second question' }),
    });
    expect(res.status).toBe(201);
    const version = (await res.json()) as ChatMessage;
    expect(version.id).not.toBe(q2b.id);
    expect(version.parent_id).toBe(q2b.parent_id);
    const old = await get<ChatMessage>(`/api/chat/sessions/${s.id}/messages/${q2b.id}`);
    expect(old.content).toBe('new second question');
    const siblings = await get<MessageSiblings>(`/api/chat/sessions/${s.id}/messages/${version.id}/siblings`);
    expect(siblings.items.map((m) => m.content)).toEqual([
      'old second question about a narwhal',
      'new second question',
      'third wording of the second question',
    ]);
    // The old reply stays under the old version.
    expect((await get<ChatMessage>(`/api/chat/sessions/${s.id}/messages/${a2b.id}`)).parent_id).toBe(q2b.id);
  });
});
