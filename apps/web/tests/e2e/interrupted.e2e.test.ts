/** End-to-end: a reply a crash left behind (status `interrupted`) is shown as such, with Regenerate. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from '@chat-studio/test-support';
import { apiClient, assertPrerequisites, launchBrowser, startServer, type RunningServer } from './support.js';

let browser: Browser;
let server: RunningServer;
let tmp: { dir: string; cleanup: () => void };

beforeAll(async () => {
  assertPrerequisites();
  tmp = tempDir();
  [server, browser] = await Promise.all([
    startServer(tmp.dir, { LLAMA_MAX_TOKENS: '20', CHAT_CACHE_TTL: '0' }),
    launchBrowser(),
  ]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp?.cleanup();
});

describe('an interrupted reply', () => {
  it('says "Interrupted" and offers Regenerate, which replaces it with a complete reply', async () => {
    const api = apiClient(server.baseUrl);
    const session = await api.createSession('crashed');
    await api.append(session.id, 'user', 'Once upon a time');
    // What a restart leaves of a reply whose process was killed mid-stream.
    await api.call('POST', `/api/chat/sessions/${session.id}/messages`, {
      role: 'assistant',
      content: 'There was a',
      status: 'interrupted',
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/#/c/${session.id}`);
    const note = page.getByTestId('message-interrupted');
    await note.waitFor();
    expect(await note.textContent()).toContain('Interrupted');
    await note.getByRole('button', { name: 'Regenerate' }).click();
    await page
      .locator('[data-testid="message"][data-role="assistant"][data-status="complete"]')
      .waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('message-interrupted').count()).toBe(0);
    const stored = await api.messages(session.id);
    expect(stored.map((m) => m.status)).toEqual(['complete', 'complete']);
    await context.close();
  }, 120_000);
});
