/**
 * End-to-end: files uploaded in the composer and not sent come back after a reload (Chromium against the real server
 * and test model). Two files are offered ("2 files not sent yet"); attaching them makes them chips that go with the
 * next message. A file offered after another reload is removed: deleted on the server, no longer listed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ChatMessage } from '@chat-studio/protocol';
import { useE2eServer } from './support.js';

const e2e = useE2eServer({ LLAMA_MAX_TOKENS: '12', CHAT_CACHE_TTL: '0' });

const composerChip = (page: Page, name: string) =>
  page.locator('form.composer').getByTestId('attachment-chip').filter({ hasText: name });

async function upload(page: Page, name: string, text: string): Promise<void> {
  const file = path.join(e2e.dir, name);
  writeFileSync(file, text);
  await page.getByTestId('attach-input').setInputFiles(file);
  await composerChip(page, name).and(page.locator('[data-state="ready"]')).waitFor();
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('composer').waitFor();
}

const unsentNames = async () =>
  (await e2e.api.call<{ items: { name: string }[] }>('GET', '/api/attachments?unsent=true')).items.map((a) => a.name);

describe('unsent uploads', () => {
  it('are offered after a reload: attached to the next message, or removed from the server', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${e2e.server.baseUrl}/`);
    await page.getByTestId('composer').waitFor();
    await upload(page, 'notes.md', '# Notes\n\nThe ferry leaves at nine.\n');
    await upload(page, 'trace.log', '2026-12-03 01:00:00 WARN slow disk\n');

    await reload(page);
    const offer = page.getByTestId('unsent-uploads');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('2 files not sent yet: trace.log, notes.md');
    expect(await page.locator('form.composer').getByTestId('attachment-chip').count()).toBe(0);
    await page.getByTestId('unsent-attach').click();
    await offer.waitFor({ state: 'detached' });
    await composerChip(page, 'notes.md').waitFor();
    await composerChip(page, 'trace.log').waitFor();

    await page.getByTestId('composer').fill('When does the ferry leave?');
    await page.getByTestId('send').click();
    await page.locator('[data-testid="message"][data-role="user"]').getByTestId('attachment-chip').first().waitFor();
    // The question shows (with its chips) before the server has stored it: poll the stored one.
    const storedNames = async () => {
      const sessionId = /#\/c\/([0-9A-Z]{26})/.exec(page.url())?.[1];
      if (!sessionId) return null;
      const stored = await e2e.api.call<{ items: ChatMessage[] }>(
        'GET',
        `/api/chat/sessions/${sessionId}/messages?limit=10`,
      );
      const question = stored.items.find((m) => m.role === 'user');
      return question?.attachments?.map((a) => a.name).sort() ?? null;
    };
    await expect.poll(storedNames).toEqual(['notes.md', 'trace.log']);
    expect(await unsentNames()).toEqual([]);

    // One more, left unsent and removed after a reload.
    await upload(page, 'draft.txt', 'half a thought\n');
    await reload(page);
    await offer.waitFor();
    expect(await offer.textContent()).toContain('“draft.txt” was not sent yet');
    const deleted = page.waitForRequest((r) => r.method() === 'DELETE' && /\/api\/attachments\/\w+$/.test(r.url()));
    await page.getByTestId('unsent-remove').click();
    await deleted;
    await offer.waitFor({ state: 'detached' });
    await expect.poll(unsentNames).toEqual([]);
    // After the app has asked for its unsent uploads, so that no offer could still be on its way.
    const listed = page.waitForResponse((r) => r.url().endsWith('/api/attachments?unsent=true'));
    await reload(page);
    await listed;
    expect(await page.getByTestId('unsent-uploads').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
