/**
 * End-to-end: search by meaning in Chromium against the real server and test model. The search box's Meaning mode
 * is disabled until the person turns it on from there in settings (by keyboard), the settings panel shows the
 * embedding progress until ready, then Meaning (picked with the arrow keys) sends `mode=meaning` and its hits open
 * the chat at the message; the mode is remembered after a reload. The test model's vectors are meaningless, so the
 * hits are not checked for relevance, only that they are the user's messages and open like word hits. Without any
 * model, the settings panel says in words why nothing is embedded.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiClient, screenshot, startServer, useE2eServer } from './support.js';

const e2e = useE2eServer({ LLAMA_MAX_TOKENS: '16', CHAT_CACHE_TTL: '0' });

/** The `mode` parameter of each search request the page makes (`(default)` when none is sent). */
function recordSearchModes(page: Page): string[] {
  const modes: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/chat/search') modes.push(url.searchParams.get('mode') ?? '(default)');
  });
  return modes;
}

describe('search by meaning', () => {
  it('turns on from the search box, shows the progress, finds by meaning and opens the hit; the mode is kept', async () => {
    const session = await e2e.api.createSession('Login test troubles');
    const ids: string[] = [];
    for (const [role, content] of [
      ['user', 'The sign-in check fails now and then on the build server.'],
      ['assistant', 'It may be a race: the page is read before the session cookie is set.'],
      ['user', 'Adding a wait for the cookie made it pass twenty times in a row.'],
    ] as const)
      ids.push((await e2e.api.append(session.id, role, content)).id);

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const modes = recordSearchModes(page);
    await page.goto(`${e2e.server.baseUrl}/`);
    await page.getByTestId('composer').waitFor();

    // Off: words only, with the way to the setting.
    await page.getByTestId('search-input').fill('flaky login test');
    await page.getByTestId('search-modes').waitFor();
    expect(await page.getByTestId('search-mode-words').isChecked()).toBe(true);
    expect(await page.getByTestId('search-mode-meaning').isDisabled()).toBe(true);
    expect(await page.getByTestId('search-mode-fused').isDisabled()).toBe(true);
    await page.getByTestId('turn-on-meaning').click();
    const meaningSwitch = page.getByTestId('meaning-switch');
    await meaningSwitch.waitFor();
    // The panel moves focus in an effect after it has painted: polled, as a loaded machine can be a frame late.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('meaning-switch');

    // On by keyboard; the progress is refreshed while the panel is open, until every message is embedded.
    const patched = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith('/api/chat/search/settings'));
    await page.keyboard.press('Space');
    expect(JSON.parse((await patched).postData() ?? '{}')).toEqual({ meaning_search: true });
    await expect.poll(() => meaningSwitch.isChecked()).toBe(true);
    const progress = page.getByTestId('meaning-progress');
    await expect
      .poll(() => progress.textContent(), { timeout: 60_000, interval: 500 })
      .toBe('Ready: 3 messages embedded.');
    await screenshot(page, 'meaning-search-settings');

    // The search box's default is both (sent as the server's default); Meaning is one arrow key away.
    const fused = page.getByTestId('search-mode-fused');
    await expect.poll(() => fused.isChecked()).toBe(true);
    await expect.poll(() => modes.at(-1)).toBe('(default)');
    await fused.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('search-mode-meaning').isChecked()).toBe(true);
    await expect.poll(() => modes.at(-1)).toBe('meaning');
    const results = page.getByTestId('search-result');
    await results.first().waitFor();
    const hitId = await results.first().getAttribute('data-message-id');
    expect(ids).toContain(hitId);
    expect(await results.count()).toBeLessThanOrEqual(ids.length);
    // A meaning hit marks no words; its snippet is shown plainly. One page: no "More results".
    expect((await results.first().locator('.hit-snippet').textContent())?.length).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'More results' }).count()).toBe(0);
    await screenshot(page, 'meaning-search-results');

    await results.first().click();
    const hit = page.locator(`[data-testid="message"][data-message-id="${hitId}"]`);
    await hit.waitFor();
    await expect.poll(() => hit.getAttribute('class')).toContain('focused');
    await expect.poll(() => page.url()).toContain(session.id);

    // Remembered for this user after a reload.
    await page.reload();
    await page.getByTestId('composer').waitFor();
    await page.getByTestId('search-input').fill('cookie race');
    await expect.poll(() => page.getByTestId('search-mode-meaning').isChecked()).toBe(true);
    await expect.poll(() => modes.at(-1)).toBe('meaning');
    await page.getByTestId('search-result').first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says in words why nothing is embedded when no model can embed', async () => {
    const dir = path.join(e2e.dir, 'no-models');
    const emptyModels = path.join(dir, 'models');
    mkdirSync(emptyModels, { recursive: true });
    const server = await startServer(dir, { MODELS_DIR: emptyModels }, { waitForModel: false });
    try {
      const api = apiClient(server.baseUrl);
      const session = await api.createSession('Kept for later');
      await api.append(session.id, 'user', 'A note to find again one day.');
      const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/`);
      await page.getByTestId('search-input').fill('note');
      await page.getByTestId('turn-on-meaning').click();
      // Checked once the server saved it (the switch shows the stored setting).
      await page.getByTestId('meaning-switch').click();
      await expect.poll(() => page.getByTestId('meaning-switch').isChecked()).toBe(true);
      const progress = page.getByTestId('meaning-progress');
      await expect
        .poll(() => progress.textContent(), { timeout: 30_000 })
        .toBe('No model can embed now: set EMBEDDING_MODEL or load a chat model. 1 message waits to be embedded.');
      expect(await progress.getAttribute('class')).toBe('form-error');
      await context.close();
    } finally {
      await server.stop();
    }
  });
});
