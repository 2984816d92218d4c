import { afterEach, describe, expect, it } from 'vitest';
import { createLlmRuntime, type GenerateMessage, type LlmRuntime, type LlmRuntimeOptions } from '../../src/index.js';
import { MODELS_DIR } from './helpers.js';

describe('preparing a stored chat while its user types', () => {
  const open: LlmRuntime[] = [];
  async function runtime(options: LlmRuntimeOptions = {}): Promise<LlmRuntime> {
    const r = createLlmRuntime({ modelsDir: MODELS_DIR, threads: 1, sequences: 1, cacheTtlS: 0, env: {}, ...options });
    open.push(r);
    await r.start();
    await r.whenLoaded();
    return r;
  }
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });

  /** A stored chat of `turns` exchanges, as the API would load it from the database. */
  async function storedChat(turns: number): Promise<GenerateMessage[]> {
    const writer = await runtime();
    const messages: GenerateMessage[] = [];
    for (let turn = 1; turn <= turns; turn++) {
      messages.push({ role: 'user', content: `Turn ${turn}: what did the little bird find?` });
      const result = await writer.generate({
        messages: messages.map((m) => ({ ...m })),
        params: { max_tokens: 24, seed: turn },
        sessionKey: 'writer',
      });
      messages.push({ role: 'assistant', content: result.text });
    }
    return messages;
  }

  it('after a restart, the next turn evaluates only its message, and the reply is the same', async () => {
    const stored = await storedChat(8);
    const next = [...stored, { role: 'user' as const, content: 'And then what happened?' }];
    const params = { max_tokens: 24, temperature: 0, system_prompt: 'You tell stories.' };

    const cold = await runtime();
    const unprepared = await cold.generate({ messages: next, params, sessionKey: 'chat' });
    // The whole history is evaluated on the first turn after a restart.
    expect(unprepared.promptTokensEvaluated).toBeGreaterThanOrEqual(unprepared.stats.prompt_tokens - 1);

    const warm = await runtime();
    expect(warm.preload({ messages: stored, params, sessionKey: 'chat' })).toBe('preparing');
    const prepared = await warm.generate({ messages: next, params, sessionKey: 'chat' });
    expect(prepared.text).toBe(unprepared.text);
    expect(prepared.stats.prompt_tokens).toBe(unprepared.stats.prompt_tokens);
    // Only the new message and the template around it: measured 20 of 579.
    expect(prepared.promptTokensEvaluated).toBeLessThan(30);
    // Right after the reply the sequence holds the chat: nothing to prepare.
    expect(
      warm.preload({ messages: [...next, { role: 'assistant', content: prepared.text }], params, sessionKey: 'chat' }),
    ).toBe('ready');
  });

  it('evaluates the known start of the next user turn too (attached files), even in a new chat', async () => {
    const files = `<file name="notes.md">\n${'The little bird found a shiny red button in the garden. '.repeat(6)}\n</file>\n\n`;
    const params = { max_tokens: 8, temperature: 0 };
    const next = (history: GenerateMessage[]) => [...history, { role: 'user' as const, content: `${files}Why?` }];

    const cold = await runtime();
    const unprepared = await cold.generate({ messages: next([]), params, sessionKey: 'new-chat' });
    expect(unprepared.promptTokensEvaluated).toBeGreaterThan(60);

    const warm = await runtime();
    // A new chat has no history: only the files' blocks are there to evaluate.
    expect(warm.preload({ messages: [], params, sessionKey: 'new-chat', nextUserPrefix: files })).toBe('preparing');
    const prepared = await warm.generate({ messages: next([]), params, sessionKey: 'new-chat' });
    expect(prepared.text).toBe(unprepared.text);
    expect(prepared.stats.prompt_tokens).toBe(unprepared.stats.prompt_tokens);
    expect(prepared.promptTokensEvaluated).toBeLessThan(15);

    // The history held with other files (or none) is not "ready" for these files: they are evaluated.
    const history = [...next([]), { role: 'assistant' as const, content: prepared.text }];
    expect(warm.preload({ messages: history, params, sessionKey: 'new-chat' })).toBe('ready');
    expect(warm.preload({ messages: history, params, sessionKey: 'new-chat', nextUserPrefix: files })).toBe(
      'preparing',
    );
  });

  it('cuts a history longer than the context as a context shift would, and the next turn continues from it', async () => {
    const stored = await storedChat(10);
    const small = await runtime({ contextSize: 256 });
    expect(small.preload({ messages: stored, sessionKey: 'long' })).toBe('preparing');
    const result = await small.generate({
      messages: [...stored, { role: 'user', content: 'The end?' }],
      params: { max_tokens: 16 },
      sessionKey: 'long',
    });
    expect(result.stats.prompt_tokens).toBeLessThanOrEqual(256);
    expect(result.stats.prompt_tokens).toBeGreaterThan(64);
    expect(result.promptTokensEvaluated).toBeLessThan(result.stats.prompt_tokens / 3);
  });

  it('skips what it cannot do, and gives the sequence up to a request from another chat', async () => {
    const r = await runtime();
    expect(r.preload({ messages: [], sessionKey: 'empty' })).toBe('skipped');
    expect(r.preload({ messages: [{ role: 'system', content: 'only a system prompt' }], sessionKey: 'empty' })).toBe(
      'skipped',
    );
    const stored = await storedChat(8);
    expect(r.preload({ messages: stored, sessionKey: 'a' })).toBe('preparing');
    // The only sequence is being prepared for chat a; chat b's request takes it over between two chunks.
    const b = await r.generate({
      messages: [{ role: 'user', content: 'Once upon a time' }],
      params: { max_tokens: 8 },
      sessionKey: 'b',
    });
    expect(b.text.length).toBeGreaterThan(0);
    const a = await r.generate({
      messages: [...stored, { role: 'user', content: 'More?' }],
      params: { max_tokens: 8 },
      sessionKey: 'a',
    });
    expect(a.text.length).toBeGreaterThan(0);
  });

  it('skips when no model is loaded', async () => {
    const none = createLlmRuntime({ modelsDir: '/nonexistent-models-dir', cacheTtlS: 0, env: {} });
    open.push(none);
    await none.start();
    expect(none.preload({ messages: [{ role: 'user', content: 'hi' }], sessionKey: 'x' })).toBe('skipped');
  });
});
