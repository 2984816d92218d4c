/**
 * End-to-end: the first five minutes. Keyboard and focus (composer focus, one-Tab-stop sidebar, shortcuts, the `?`
 * overlay, no autofocus on touch), input limits shown before they bite, rendering (KaTeX, task lists, mermaid,
 * a 5,000-line code block), serving (compressed assets, one favicon request, markdown loaded on demand), the app
 * opening offline from its service worker, polish (theme, toasts, titles, plurals), and axe on every main screen.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { screenshot, seedMessages, useE2eServer } from './support.js';

const MAX_MESSAGE = 2000;
const e2e = useE2eServer(
  { LLAMA_MAX_TOKENS: '30', CHAT_CACHE_TTL: '0', MAX_MESSAGE_LENGTH: String(MAX_MESSAGE) },
  { timeoutMs: 120_000 },
);

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function openApp(hash = '', options: Parameters<Browser['newContext']>[0] = {}): Promise<Opened> {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${e2e.server.baseUrl}/${hash}`);
  await page.getByTestId('composer').waitFor();
  return { context, page, errors };
}

const active = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.id || el?.dataset.testid || el?.dataset.sessionId || el?.tagName || '';
  });

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** Runs axe-core in the page (evaluate is not subject to the page's CSP) and returns serious or critical violations. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .map((n) => JSON.stringify(n.target))
          .slice(0, 3)
          .join(', ')}`,
    );
}

const CODE_LINES = 5000;
const bigCode = Array.from(
  { length: CODE_LINES },
  (_, i) => `  const value${i} = compute(${i}, "item-${i}"); // step ${i}`,
).join('\n');
const RICH = [
  'Inline math $x^2 + y^2 = z^2$ and display math:',
  '',
  '$$\\int_0^1 x\\,dx = \\frac{1}{2}$$',
  '',
  '- [x] write the tests',
  '- [ ] ship it',
  '',
  '```mermaid',
  'graph TD; Start-->Finish',
  '```',
  '',
  '```js',
  'const a = 1; // a comment',
  '```',
].join('\n');

describe('the first five minutes in Chromium', () => {
  it('focus: composer on load, new chat and opening a chat; the sidebar is one Tab stop with arrow keys and row keys', async () => {
    const chats = [];
    for (const title of ['Gamma planning notes, Q3', 'Beta chat', 'Alpha chat'])
      chats.push(await e2e.api.createSession(title));
    const { context, page, errors } = await openApp();
    await expect.poll(() => active(page)).toBe('composer');
    // The full title shows: no room reserved for hidden actions.
    const long = page.locator(`[data-testid="session-item"][data-session-id="${chats[0]!.id}"] .session-open`);
    const widths = await long.evaluate((el) => ({
      scroll: el.scrollWidth,
      client: el.clientWidth,
      row: el.closest('.session')!.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.client).toBeGreaterThan(widths.row * 0.9);

    await page.locator(`[data-testid="session-item"][data-session-id="${chats[1]!.id}"] .session-open`).click();
    await expect.poll(() => active(page)).toBe('composer');
    await page.getByTestId('new-chat').click();
    await expect.poll(() => active(page)).toBe('composer');

    // Tab from the search box lands on one row (the one last focused: Beta, clicked above); arrows move.
    await page.getByTestId('search-input').focus();
    await page.keyboard.press('Tab');
    expect(await active(page)).toBe(chats[1]!.id);
    const rows = await page
      .locator('.session-open')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.sessionId));
    await page.keyboard.press('Home');
    expect(await active(page)).toBe(rows[0]);
    await page.keyboard.press('ArrowDown');
    expect(await active(page)).toBe(rows[1]);
    await page.keyboard.press('End');
    expect(await active(page)).toBe(rows[2]);
    await page.keyboard.press('ArrowUp');
    expect(await active(page)).toBe(rows[1]);
    expect(await page.locator('.session-open[tabindex="0"]').count()).toBe(1);
    expect(
      await page.locator('.session-actions button[tabindex="0"], .session-actions button:not([tabindex])').count(),
    ).toBe(0);
    // The focused row shows its actions.
    expect(
      await page.locator(`[data-testid="session-item"][data-session-id="${rows[1]}"] .session-actions`).isVisible(),
    ).toBe(true);
    // One Tab leaves the list.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('.session-nav'))).toBe(false);

    // Row keys: P pins the focused row, F2 renames it.
    await page.locator(`.session-open[data-session-id="${rows[1]}"]`).focus();
    await page.keyboard.press('p');
    await expect
      .poll(() =>
        page.locator(`[data-testid="session-item"][data-session-id="${rows[1]}"]`).getAttribute('data-pinned'),
      )
      .toBe('true');
    await page.locator(`.session-open[data-session-id="${rows[1]}"]`).focus();
    await page.keyboard.press('F2');
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('rename-input'))).toBe(true);
    await page.keyboard.press('Escape');
    // Enter on a row opens the chat and puts the focus in the composer.
    await page.locator(`.session-open[data-session-id="${rows[2]}"]`).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(rows[2]!);
    await expect.poll(() => active(page)).toBe('composer');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shortcuts: new chat, search, previous/next chat, composer, and the ? overlay', async () => {
    const { context, page, errors } = await openApp();
    // The composer shows before the chat list has loaded: wait for the rows the shortcuts move between.
    await expect.poll(() => page.locator('.session-open').count()).toBeGreaterThanOrEqual(2);
    const ids = await page
      .locator('.session-open')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.sessionId!));
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.url()).toContain(ids[0]!);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => page.url()).toContain(ids[1]!);
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => page.url()).toContain(ids[0]!);
    await page.keyboard.press('Control+k');
    await expect.poll(() => active(page)).toBe('search-input');
    await page.keyboard.press('Shift+Escape');
    await expect.poll(() => active(page)).toBe('composer');
    await page.keyboard.press('Control+Shift+O');
    await expect.poll(() => page.url()).not.toContain(ids[0]!);
    await expect.poll(() => active(page)).toBe('composer');
    // "?" typed in the composer is text; outside a text field it opens the overlay.
    await page.keyboard.type('?');
    expect(await page.getByTestId('composer').inputValue()).toBe('?');
    expect(await page.getByTestId('shortcuts-overlay').count()).toBe(0);
    await page.getByTestId('composer').fill('');
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('Shift+?');
    const overlay = page.getByTestId('shortcuts-overlay');
    await overlay.waitFor();
    expect(await overlay.textContent()).toContain('New chat');
    expect(await overlay.textContent()).toContain('Previous chat');
    await screenshot(page, 'shortcuts-light');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('touch screens: nothing takes focus uninvited, the settings panel included', async () => {
    const { context, page } = await openApp('', {
      viewport: { width: 390, height: 800 },
      hasTouch: true,
      isMobile: true,
    });
    await page.waitForTimeout(300);
    expect(await active(page)).not.toBe('composer');
    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-panel').waitFor();
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.activeElement?.matches('input, textarea, select') ?? false)).toBe(false);
    await context.close();
  });

  it('limits: a counter near the limit, a refusal over it with a sentence, and no chat created', async () => {
    const before = (await e2e.api.call<{ items: unknown[] }>('GET', '/api/chat/sessions?limit=200')).items.length;
    const { context, page, errors } = await openApp();
    const counter = page.getByTestId('composer-counter');
    await page.getByTestId('composer').fill('a'.repeat(100));
    expect(await counter.count()).toBe(0);
    await page.getByTestId('composer').fill('a'.repeat(1700));
    await expect.poll(() => counter.textContent()).toContain('1,700 / 2,000');
    await page.getByTestId('composer').fill('A'.repeat(2500));
    await expect.poll(() => counter.textContent()).toContain('500 characters over the limit of 2,000');
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    await page.getByTestId('composer').press('Enter');
    const toast = page.getByTestId('toast');
    await toast.waitFor();
    expect(await toast.textContent()).toContain(
      'Message not sent. The message is 500 characters over the limit of 2,000.',
    );
    expect(await toast.textContent()).not.toMatch(/Invalid request body|message:/);
    // The toast sits above the composer, not over it.
    const [t, c] = await Promise.all([toast.boundingBox(), page.getByTestId('composer').boundingBox()]);
    expect(t!.y + t!.height).toBeLessThan(c!.y);
    await screenshot(page, 'composer-limit');
    await page.waitForTimeout(300);
    const after = (await e2e.api.call<{ items: unknown[] }>('GET', '/api/chat/sessions?limit=200')).items.length;
    expect(after).toBe(before);
    expect(await page.getByTestId('composer').inputValue()).toHaveLength(2500);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('renders math, task lists, mermaid and a 5,000-line code block fast', async () => {
    const session = await e2e.api.createSession('Rich rendering');
    await e2e.api.append(session.id, 'user', 'Show me everything');
    await e2e.api.append(session.id, 'assistant', RICH);
    const big = await e2e.api.createSession('Big code');
    // Straight into the database: the message is longer than this server's MAX_MESSAGE_LENGTH.
    seedMessages(e2e.server.databasePath, big.id, 2, (i) =>
      i === 0 ? 'The whole file please' : `Here it is:\n\n\`\`\`js\n${bigCode}\n\`\`\`\n`,
    );

    const { context, page, errors } = await openApp(`#/c/${session.id}`);
    const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
    await reply.locator('.katex').first().waitFor();
    expect(await reply.locator('.math-display .katex-display').count()).toBe(1);
    // \, became a thin space (KaTeX's mspace), not a comma.
    expect(await reply.locator('.math-display').textContent()).not.toContain('x,dx');
    expect(await reply.locator('input.task-box[type="checkbox"][disabled]').count()).toBe(2);
    expect(await reply.locator('input.task-box:checked').count()).toBe(1);
    const diagram = reply.locator('img.mermaid-diagram');
    await diagram.waitFor({ timeout: 30_000 });
    expect(await diagram.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await expect.poll(() => diagram.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await reply.getByRole('button', { name: 'Show source' }).click();
    expect(await reply.locator('.mermaid-block pre').isVisible()).toBe(true);
    expect(await reply.locator('.mermaid-block pre').textContent()).toContain('Start-->Finish');
    await screenshot(page, 'rendering-light');
    // Read aloud is offered only where the browser has a voice (headless Chromium here usually has none).
    const voices = await page.evaluate(() => speechSynthesis.getVoices().length);
    expect(await reply.getByRole('button', { name: 'Read aloud' }).count()).toBe(voices > 0 ? 1 : 0);

    // The big block: measured from the click to the block on screen, with long tasks observed meanwhile.
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const started = Date.now();
    await page.locator(`[data-testid="session-item"][data-session-id="${big.id}"] .session-open`).click();
    const block = page.locator('.code-block.collapsed');
    await block.waitFor();
    const openMs = Date.now() - started;
    const stats = await page.evaluate(() => ({
      nodes: document.getElementsByTagName('*').length,
      longest: Math.max(0, ...(window as unknown as { __longTasks: number[] }).__longTasks),
    }));
    console.log(
      `5,000-line code block: visible ${openMs} ms after the click, ${stats.nodes} elements, longest task ${Math.round(stats.longest)} ms`,
    );
    expect(stats.nodes).toBeLessThan(2000);
    // Generous bounds for a shared 2-core machine; bench:web records the real figures.
    expect(openMs).toBeLessThan(3000);
    expect(stats.longest).toBeLessThan(1000);
    const showAll = block.getByRole('button', { name: 'Show all 5,000 lines' });
    await showAll.click();
    await expect
      .poll(() =>
        page
          .locator('.code-block pre code')
          .last()
          .evaluate((c) => c.textContent?.split('\n').length),
      )
      .toBe(CODE_LINES);
    // Copy takes the whole block.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.server.baseUrl });
    await page.locator('.code-block').last().getByRole('button', { name: 'Copy code' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(bigCode);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('serving: compressed assets, one favicon request, markdown only when a message needs it', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const seen: Array<{ url: string; encoding: string | null }> = [];
    page.on('response', (res) =>
      seen.push({ url: new URL(res.url()).pathname, encoding: res.headers()['content-encoding'] ?? null }),
    );
    await page.goto(`${e2e.server.baseUrl}/`);
    await page.getByTestId('composer').waitFor();
    await page.waitForTimeout(1500);
    const assets = seen.filter((s) => /\.(js|css)$/.test(s.url));
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(a.encoding, a.url).toMatch(/^(br|gzip)$/);
    expect(seen.filter((s) => s.url.includes('favicon')).length).toBeLessThanOrEqual(1);
    expect(seen.filter((s) => /\/assets\/markdown-/.test(s.url))).toEqual([]);
    const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
    expect(manifest).toMatchObject({ name: 'Chat Studio', display: 'standalone', start_url: '/' });
    await context.close();
  });

  it('opens offline from the service worker with a "server unreachable" state, and never caches the API', async () => {
    const { context, page } = await openApp();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // The worker controls the page after a reload.
    await page.reload();
    await page.getByTestId('composer').waitFor();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const key of await caches.keys())
        for (const req of await (await caches.open(key)).keys()) urls.push(new URL(req.url).pathname);
      return urls;
    });
    expect(cached).toContain('/');
    expect(cached.filter((u) => /^\/(api|v1|health|metrics)/.test(u))).toEqual([]);

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('composer').waitFor();
    const banner = page.getByTestId('offline-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Server unreachable');
    await screenshot(page, 'offline');
    expect(await banner.getByRole('button', { name: 'Try now' }).isVisible()).toBe(true);
    // Back online: the app notices by itself and loads the chats.
    await context.setOffline(false);
    // The app retries every 10 s: up to two tries can fall in the offline stretch on a loaded machine.
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('session-item').first().waitFor();
    await context.close();
  });

  it('the edit box opens fully in view', async () => {
    const session = await e2e.api.createSession('Editing');
    const ids = seedMessages(
      e2e.server.databasePath,
      session.id,
      30,
      (i) => `Message ${i}. ${'Words to give it some height. '.repeat(i % 2 ? 8 : 1)}`,
    );
    const { context, page } = await openApp(`#/c/${session.id}`, { viewport: { width: 1100, height: 600 } });
    const target = page.locator(`[data-testid="message"][data-message-id="${ids[24]}"]`);
    await target.waitFor();
    // Put the message's top above the visible area, as when scrolling up through a chat.
    await page.getByTestId('message-list').evaluate((el, id) => {
      const m = el.querySelector(`[data-message-id="${id}"]`)!;
      el.scrollTop += m.getBoundingClientRect().top - el.getBoundingClientRect().top + 20;
    }, ids[24]);
    await target.hover();
    await target.getByRole('button', { name: /^Edit/ }).click();
    const editor = page.locator('.edit-box');
    await editor.waitFor();
    // The list scrolls the box into view after it renders: a loaded machine can take more than a fixed 200 ms.
    const inView = async () => {
      const [box, view] = await Promise.all([editor.boundingBox(), page.getByTestId('message-list').boundingBox()]);
      return !!box && !!view && box.y >= view.y - 1 && box.y + box.height <= view.y + view.height + 1;
    };
    await expect.poll(inView).toBe(true);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('edit-message');
    await context.close();
  });

  it('theme switch: dark and light on request, remembered after a reload', async () => {
    const { context, page } = await openApp('', { colorScheme: 'light' });
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.getByTestId('theme').selectOption('dark');
    await expect.poll(bg).not.toBe(light);
    const dark = await bg();
    await screenshot(page, 'theme-dark');
    await page.reload();
    await page.getByTestId('composer').waitFor();
    await expect.poll(bg).not.toBe(light);
    expect(await page.getByTestId('theme').inputValue()).toBe('dark');
    await page.getByTestId('theme').selectOption('system');
    await expect.poll(bg).toBe(light);
    await context.close();

    // One dark palette, reached both ways: a dark system shows what the switch's "dark" shows, and "light" wins over it.
    const darkSystem = await openApp('', { colorScheme: 'dark' });
    const darkBg = () => darkSystem.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await darkBg()).toBe(dark);
    await darkSystem.page.getByTestId('theme').selectOption('light');
    await expect.poll(darkBg).toBe(light);
    await darkSystem.context.close();
  });

  it('axe: no serious or critical violations on the main screens, light and dark', async () => {
    const code = await e2e.api.createSession('Code sample chat');
    await e2e.api.append(code.id, 'user', 'Some code please');
    await e2e.api.append(
      code.id,
      'assistant',
      `${RICH}\n\n\`\`\`python\n# a comment that must stay readable\nprint("${'wide '.repeat(60)}")\n\`\`\``,
    );
    const found = await e2e.api.createSession('Notes with a findable word');
    seedMessages(e2e.server.databasePath, found.id, 4, (i) => `Note ${i} mentions the axolotlsearch keyword.`);
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openApp('', { colorScheme: scheme });
      const screens: Array<[string, () => Promise<void>]> = [
        ['empty chat', async () => undefined],
        [
          'chat with code',
          async () => {
            await page.goto(`${e2e.server.baseUrl}/#/c/${code.id}`);
            await page.locator('.code-block .hljs-comment').first().waitFor();
            await page.locator('.katex').first().waitFor();
          },
        ],
        [
          'search results',
          async () => {
            await page.getByTestId('search-input').fill('axolotlsearch');
            await page.getByTestId('search-result').first().waitFor();
          },
        ],
        [
          'settings',
          async () => {
            await page.getByTestId('search-input').fill('');
            await page.getByTestId('settings-button').click();
            await page.getByTestId('settings-panel').waitFor();
          },
        ],
      ];
      for (const [name, arrange] of screens) {
        await arrange();
        await page.waitForTimeout(200);
        expect(await seriousViolations(page), `${name} (${scheme})`).toEqual([]);
      }
      await context.close();
    }
  }, 120_000);
});
