/** End-to-end: the settings panel's penalties and JSON mode are saved with the chat and shape its replies. */
import { describe, expect, it } from 'vitest';
import type { ChatSession } from '@chat-studio/protocol';
import { useE2eServer } from './support.js';

const e2e = useE2eServer({ CHAT_CACHE_TTL: '0' });

describe('sampling settings in Chromium', () => {
  it('saves penalties and JSON mode per chat; a JSON-mode reply is one JSON object', async () => {
    const session = await e2e.api.createSession('json chat');
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/#/c/${session.id}`);
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
      .poll(async () => (await e2e.api.call<ChatSession>('GET', `/api/chat/sessions/${session.id}`)).settings)
      .toMatchObject({ frequency_penalty: 0.5, presence_penalty: -0.5, json_mode: true, max_tokens: 300 });

    await page.getByTestId('composer').fill('Describe a cat');
    await page.getByTestId('send').click();
    await expect
      .poll(
        async () =>
          (await e2e.api.messages(session.id)).find((m) => m.role === 'assistant' && m.status === 'complete')?.content,
        { timeout: 60_000 },
      )
      .toBeTruthy();
    const reply = (await e2e.api.messages(session.id)).find((m) => m.role === 'assistant')!;
    // The grammar allows nothing but one JSON object; a reply cut by max_tokens is its start.
    expect(reply.content.trimStart().startsWith('{')).toBe(true);
    if (reply.finish_reason === 'stop') expect(typeof JSON.parse(reply.content)).toBe('object');
    await context.close();
  }, 120_000);
});
