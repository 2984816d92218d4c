/** End-to-end: a reply a crash left behind (status `interrupted`) is shown as such, with Regenerate. */
import { describe, expect, it } from 'vitest';
import { useE2eServer } from './support.js';

const e2e = useE2eServer({ LLAMA_MAX_TOKENS: '20', CHAT_CACHE_TTL: '0' });

describe('an interrupted reply', () => {
  it('says "Interrupted" and offers Regenerate, which replaces it with a complete reply', async () => {
    const session = await e2e.api.createSession('crashed');
    await e2e.api.append(session.id, 'user', 'Once upon a time');
    // What a restart leaves of a reply whose process was killed mid-stream.
    await e2e.api.call('POST', `/api/chat/sessions/${session.id}/messages`, {
      role: 'assistant',
      content: 'There was a',
      status: 'interrupted',
    });

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/#/c/${session.id}`);
    const note = page.getByTestId('message-interrupted');
    await note.waitFor();
    expect(await note.textContent()).toContain('Interrupted');
    await note.getByRole('button', { name: 'Regenerate' }).click();
    await page
      .locator('[data-testid="message"][data-role="assistant"][data-status="complete"]')
      .waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('message-interrupted').count()).toBe(0);
    const stored = await e2e.api.messages(session.id);
    expect(stored.map((m) => m.status)).toEqual(['complete', 'complete']);
    await context.close();
  }, 120_000);
});
