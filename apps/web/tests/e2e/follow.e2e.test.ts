/**
 * End-to-end: the message list follows the conversation. At the bottom it stays there as tokens arrive and on
 * every send (also after "New chat", where it used to freeze from the second turn on); scrolled up it stays put
 * and offers "Newest" with a count; switching chats mid-stream opens each at its end.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor } from '@chat-studio/test-support';
import { screenshot, seedMessages, useE2eServer } from './support.js';

const e2e = useE2eServer({ LLAMA_MAX_TOKENS: '2000', CHAT_CACHE_TTL: '0' }, { timeoutMs: 120_000 });

/** Pixels between the bottom of the visible area and the end of the list. */
const bottomGap = (page: Page) =>
  page.getByTestId('message-list').evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight));

/** More than a line or two below the view. */
const BEHIND_PX = 120;
/**
 * Frames in a row the view may trail the content by {@link BEHIND_PX} or more. A starved machine (CI, two cores,
 * every package's tests at once) can paint one frame between a burst of tokens growing the reply and the list's
 * next follow; a list that stopped following trails for every frame until the reply ends.
 */
const MAX_FRAMES_BEHIND = 3;

/** What {@link watchGap} saw: the largest gap, the longest run of frames behind, and the frames behind. */
interface GapWatch {
  maxGap: number;
  longestBehind: number;
  behind: number[];
}

/** Records the bottom gap after each animation frame (what the person saw) until stopped. */
async function watchGap(page: Page): Promise<() => Promise<GapWatch>> {
  await page.evaluate((behindPx) => {
    const w = window as unknown as { __gap: GapWatch & { run: number }; __watch: boolean };
    w.__gap = { maxGap: 0, longestBehind: 0, behind: [], run: 0 };
    w.__watch = true;
    // Sampled right after each frame (a message posted from requestAnimationFrame runs once the frame is done): the
    // position the list settled on for that frame, not the moment between a token arriving and the list catching up.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const el = document.querySelector('[data-testid="message-list"]');
      if (el) {
        const g = w.__gap;
        const gap = Math.round(el.scrollHeight - el.scrollTop - el.clientHeight);
        g.maxGap = Math.max(g.maxGap, gap);
        g.run = gap >= behindPx ? g.run + 1 : 0;
        g.longestBehind = Math.max(g.longestBehind, g.run);
        if (gap >= behindPx && g.behind.length < 50) g.behind.push(gap);
      }
      if (w.__watch) requestAnimationFrame(tick);
    };
    const tick = () => channel.port2.postMessage(null);
    requestAnimationFrame(tick);
  }, BEHIND_PX);
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __gap: GapWatch; __watch: boolean };
      w.__watch = false;
      const { maxGap, longestBehind, behind } = w.__gap;
      return { maxGap, longestBehind, behind };
    });
}

/** The view kept up while the reply streamed: never behind by more than a line or two for more than a few frames. */
function expectKeptUp(watch: GapWatch, what: string): void {
  expect(
    watch.longestBehind,
    `${what}: frames in a row behind by >= ${BEHIND_PX}px (gaps ${watch.behind.join(', ')})`,
  ).toBeLessThanOrEqual(MAX_FRAMES_BEHIND);
}

/** Waits until the open chat has no reply streaming and its last reply is stored and complete. */
async function replyDone(page: Page): Promise<void> {
  const last = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await waitFor(
    async () =>
      (await page.locator('[data-streaming="true"]').count()) === 0 &&
      !((await last.getAttribute('data-message-id')) ?? 'local-').startsWith('local-') &&
      (await last.getAttribute('data-status')) === 'complete',
    60_000,
    'reply complete',
  );
}

/** The user message with this text is at least partly inside the list's visible area. */
async function userMessageInView(page: Page, text: string): Promise<boolean> {
  return page.evaluate((t) => {
    const el = [...document.querySelectorAll('[data-testid="message"][data-role="user"]')].find((m) =>
      m.textContent?.includes(t),
    );
    const list = document.querySelector('[data-testid="message-list"]');
    if (!el || !list) return false;
    const a = el.getBoundingClientRect();
    const b = list.getBoundingClientRect();
    return a.bottom > b.top + 10 && a.top < b.bottom - 10;
  }, text);
}

/** Sets generation fields through the settings panel and saves. */
async function setSettings(page: Page, fields: Record<string, string>): Promise<void> {
  await page.getByTestId('settings-button').click();
  const panel = page.getByTestId('settings-panel');
  await panel.waitFor();
  for (const [name, value] of Object.entries(fields)) await panel.locator(`[name="${name}"]`).fill(value);
  await panel.getByRole('button', { name: 'Save' }).click();
  await panel.waitFor({ state: 'detached' });
}

describe('following the conversation in Chromium', () => {
  it('follows five sends after New chat (typed and pasted), with focus in the composer and no Newest button', async () => {
    const old = await e2e.api.createSession('Older chat');
    seedMessages(
      e2e.server.databasePath,
      old.id,
      40,
      (i) => `Older message ${i}. ${'Some filler text to make it longer. '.repeat(6)}`,
    );
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 700 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.server.baseUrl });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${e2e.server.baseUrl}/#/c/${old.id}`);
    await page.locator('[data-testid="message"]').first().waitFor();
    // Scroll the old chat up first: what it did must not leak into the new one.
    await page.getByTestId('message-list').evaluate((el) => (el.scrollTop = 200));
    await page.getByTestId('new-chat').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer');
    // Short replies keep five turns quick; the chat is created with these settings on the first send.
    await setSettings(page, { max_tokens: '80' });
    await page.getByTestId('composer').click();

    for (let turn = 1; turn <= 5; turn++) {
      const text = `Turn ${turn}: tell me a story about a cat`;
      if (turn === 3) {
        await page.evaluate((t) => navigator.clipboard.writeText(t), text);
        await page.keyboard.press('Control+V');
        await expect.poll(() => page.getByTestId('composer').inputValue()).toBe(text);
      } else {
        // Typed straight away: focus is in the composer after each send too.
        await page.keyboard.type(text);
      }
      const stop = await watchGap(page);
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="message"][data-role="user"]', { hasText: `Turn ${turn}:` }).waitFor();
      expect(await userMessageInView(page, `Turn ${turn}:`), `turn ${turn}: sent message in view`).toBe(true);
      await replyDone(page);
      await expect.poll(() => bottomGap(page), { timeout: 10_000 }).toBeLessThanOrEqual(2);
      // While the reply streamed the view never fell behind by more than a line or two.
      expectKeptUp(await stop(), `turn ${turn}`);
      expect(await page.getByTestId('jump-newest').count(), `turn ${turn}: no Newest button`).toBe(0);
      expect(await page.getByTestId('message-list').getAttribute('data-following')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.id), `turn ${turn}: focus`).toBe('composer');
    }
    expect(await page.getByTestId('message-list').getAttribute('data-count')).toBe('10');
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('follows a long streamed reply to its end', async () => {
    const session = await e2e.api.createSession('Long reply');
    await e2e.api.call('PATCH', `/api/chat/sessions/${session.id}`, { settings: { max_tokens: 1000, temperature: 0 } });
    const context = await e2e.browser.newContext({ viewport: { width: 800, height: 450 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/#/c/${session.id}`);
    await page.getByTestId('composer').fill('Tell me a very long story about a dragon and a princess');
    const stop = await watchGap(page);
    await page.getByTestId('send').click();
    await replyDone(page);
    await expect.poll(() => bottomGap(page), { timeout: 10_000 }).toBeLessThanOrEqual(2);
    const watch = await stop();
    const { height, view } = await page
      .getByTestId('message-list')
      .evaluate((el) => ({ height: el.scrollHeight, view: el.clientHeight }));
    // The reply is several screens long, and the view kept up with it all the way.
    expect(height).toBeGreaterThan(2.5 * view);
    expectKeptUp(watch, 'long reply');
    await context.close();
  }, 120_000);

  it('stays put when scrolled up during a reply, then Newest shows the count and goes to the end', async () => {
    const session = await e2e.api.createSession('Scrolled up');
    seedMessages(
      e2e.server.databasePath,
      session.id,
      30,
      (i) => `Earlier message ${i}. ${'Filler words for height. '.repeat(8)}`,
    );
    await e2e.api.call('PATCH', `/api/chat/sessions/${session.id}`, { settings: { max_tokens: 1500, temperature: 0 } });
    const context = await e2e.browser.newContext({ viewport: { width: 900, height: 600 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/#/c/${session.id}`);
    await page.locator('[data-testid="message"]').first().waitFor();
    await page.getByTestId('composer').fill('Tell me a very long story about a dragon and a princess');
    // Send, then scroll up two frames later, in the page itself: the reply is certainly still on its way then, however
    // slow the machine (the test would otherwise race a fast model).
    const streamingWhenScrolled = await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      document.querySelector<HTMLButtonElement>('[data-testid="send"]')!.click();
      await frame();
      await frame();
      const el = document.querySelector<HTMLElement>('[data-testid="message-list"]')!;
      el.dispatchEvent(new WheelEvent('wheel', { deltaY: -600, bubbles: true }));
      el.scrollTop -= 600;
      return document.querySelectorAll('[data-streaming="true"]').length;
    });
    expect(streamingWhenScrolled).toBe(1);
    const list = page.getByTestId('message-list');
    await expect.poll(() => list.getAttribute('data-following')).toBe('false');
    await page.getByTestId('jump-newest').waitFor();
    await page.waitForTimeout(100);
    const top = await list.evaluate((el) => el.scrollTop);
    await replyDone(page);
    // The reply grew below, the view did not move.
    expect(Math.abs((await list.evaluate((el) => el.scrollTop)) - top)).toBeLessThanOrEqual(2);
    expect(await bottomGap(page)).toBeGreaterThan(100);
    const jump = page.getByTestId('jump-newest');
    await expect.poll(() => jump.getAttribute('data-unseen')).toBe('1');
    expect(await jump.getAttribute('aria-label')).toBe('Newest: 1 new message');
    await screenshot(page, 'newest-button');
    await jump.click();
    await expect.poll(() => bottomGap(page)).toBeLessThanOrEqual(2);
    await expect.poll(() => jump.count()).toBe(0);

    // Scrolled up again, sending brings the new message into view.
    await list.evaluate((el) => (el.scrollTop = 0));
    await jump.waitFor();
    await page.getByTestId('composer').fill('One more question');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="message"][data-role="user"]', { hasText: 'One more question' }).waitFor();
    await expect.poll(() => userMessageInView(page, 'One more question')).toBe(true);
    await replyDone(page);
    await expect.poll(() => bottomGap(page)).toBeLessThanOrEqual(2);
    await context.close();
  }, 120_000);

  it('opens each chat at its end when switching chats mid-stream, and follows the reply still running', async () => {
    const a = await e2e.api.createSession('Alpha follow');
    const b = await e2e.api.createSession('Beta follow');
    seedMessages(e2e.server.databasePath, a.id, 20, (i) => `Alpha history ${i}. ${'Padding text. '.repeat(10)}`);
    seedMessages(e2e.server.databasePath, b.id, 30, (i) => `Beta history ${i}. ${'Padding text. '.repeat(10)}`);
    await e2e.api.call('PATCH', `/api/chat/sessions/${a.id}`, { settings: { max_tokens: 1500, temperature: 0 } });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 600 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/#/c/${a.id}`);
    await page.locator('[data-testid="message"]').first().waitFor();
    await page.getByTestId('composer').fill('Tell me a very long story about a dragon and a princess');
    await page.getByTestId('send').click();
    const streaming = page.locator('[data-testid="message"][data-streaming="true"]');
    await waitFor(async () => ((await streaming.textContent()) ?? '').trim().length > 10, 30_000, 'streamed text');

    await page.locator(`[data-testid="session-item"][data-session-id="${b.id}"] .session-open`).click();
    await expect.poll(() => page.getByTestId('message-list').getAttribute('data-count')).toBe('30');
    await expect.poll(() => bottomGap(page)).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('jump-newest').count()).toBe(0);

    await page.locator(`[data-testid="session-item"][data-session-id="${a.id}"] .session-open`).click();
    await expect.poll(() => page.getByTestId('message-list').getAttribute('data-count')).toBe('22');
    await expect.poll(() => bottomGap(page)).toBeLessThanOrEqual(2);
    await replyDone(page);
    await expect.poll(() => bottomGap(page)).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('jump-newest').count()).toBe(0);
    await context.close();
  }, 180_000);
});
