/** End-to-end: the settings panel's penalties and JSON mode are saved with the chat and shape its replies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ChatSession } from '@chat-studio/protocol';
import { tempDir } from '@chat-studio/test-support';
import { apiClient, assertPrerequisites, launchBrowser, startServer, type RunningServer } from './support.js';

let browser: Browser;
let server: RunningServer;
let tmp: { dir: string; cleanup: () => void };
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  assertPrerequisites();
  tmp = tempDir();
  [server, browser] = await Promise.all([startServer(tmp.dir, { CHAT_CACHE_TTL: '0' }), launchBrowser()]);
  api = apiClient(server.baseUrl);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp?.cleanup();
});

describe('sampling settings in Chromium', () => {
  it('saves penalties and JSON mode per chat; a JSON-mode reply is one JSON object', async () => {
    const session = await api.createSession('json chat');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/#/c/${session.id}`);
    await page.getByTestId('composer').waitFor();

    await page.getByTestId('settings-button').click();
    const panel = page.getByTestId('settings-panel');
    await panel.locator('[name="frequency_penalty"]').fill('0.5');
    await panel.locator('[name="presence_penalty"]').fill('-0.5');
    await panel.locator('[name="max_tokens"]').fill('300');
    await panel.locator('[name="json_mode"]').check();
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await api.call<ChatSession>('GET', `/api/chat/sessions/${session.id}`)).settings)
      .toMatchObject({ frequency_penalty: 0.5, presence_penalty: -0.5, json_mode: true, max_tokens: 300 });

    await page.getByTestId('composer').fill('Describe a cat');
    await page.getByTestId('send').click();
    await expect
      .poll(
        async () =>
          (await api.messages(session.id)).find((m) => m.role === 'assistant' && m.status === 'complete')?.content,
        { timeout: 60_000 },
      )
      .toBeTruthy();
    const reply = (await api.messages(session.id)).find((m) => m.role === 'assistant')!;
    // The grammar allows nothing but one JSON object; a reply cut by max_tokens is its start.
    expect(reply.content.trimStart().startsWith('{')).toBe(true);
    if (reply.finish_reason === 'stop') expect(typeof JSON.parse(reply.content)).toBe('object');
    await context.close();
  }, 120_000);
});
