/**
 * End-to-end: attachments in Chromium against the real server and test model. A real file dropped on the chat, one
 * pasted into the composer and one picked from disk by keyboard are uploaded (and sent); an oversized file is refused before any upload; the token
 * meter counts what the server counted and warns about a file retrieved in parts; the reply's cited parts open
 * the preview at the part.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ChatMessage } from '@chat-studio/protocol';
import { tempDir } from '@chat-studio/test-support';
import {
  apiClient,
  assertPrerequisites,
  launchBrowser,
  screenshot,
  startServer,
  type RunningServer,
} from './support.js';

/** Small enough that the oversized file stays small; large enough for the long document. */
const MAX_FILE_BYTES = 96 * 1024;

let browser: Browser;
let server: RunningServer;
let tmp: { dir: string; cleanup: () => void };
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  assertPrerequisites();
  tmp = tempDir();
  [server, browser] = await Promise.all([
    startServer(tmp.dir, { LLAMA_MAX_TOKENS: '20', CHAT_CACHE_TTL: '0', ATTACHMENT_MAX_BYTES: String(MAX_FILE_BYTES) }),
    launchBrowser(),
  ]);
  api = apiClient(server.baseUrl);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp?.cleanup();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Every upload request the page made. */
  uploads: string[];
}

async function openApp(colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const uploads: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/attachments') uploads.push(r.url());
  });
  await page.goto(`${server.baseUrl}/`);
  await page.getByTestId('composer').waitFor();
  return { context, page, errors, uploads };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious or critical violations on the page, as `rule at target` lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: Array<{ target: unknown[] }> };
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: Violation[] }> } }).axe;
    const { violations } = await axe.run(document);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
  });
}

/** A Markdown document of `sections` headed sections, each about a different animal (the retrieval has words to rank). */
function longDocument(sections: number): string {
  const animals = ['fox', 'owl', 'bear', 'otter', 'heron', 'lynx', 'badger', 'wren'];
  const parts: string[] = [];
  for (let i = 0; i < sections; i++) {
    const animal = animals[i % animals.length]!;
    const line = `The ${animal} walks through the forest at dawn and looks for food near the river. `;
    parts.push(`# Section ${i + 1}: the ${animal}\n\n${line.repeat(12)}\n`);
  }
  return parts.join('\n');
}

/** Drops files made in the page on the composer, as a drag from the desktop would (dragenter, then drop). */
async function dropFiles(page: Page, files: Array<{ name: string; type: string; text?: string; bytes?: number }>) {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text ?? new Uint8Array(f.bytes ?? 0)], f.name, { type: f.type }));
    return dt;
  }, files);
  await page.dispatchEvent('[data-testid=composer]', 'dragenter', { dataTransfer: transfer });
  await page.getByTestId('attach-drop-zone').waitFor();
  // The chat's own zone, not the page's import overlay.
  expect(await page.getByTestId('drop-overlay').count()).toBe(0);
  await page.dispatchEvent('[data-testid=composer]', 'drop', { dataTransfer: transfer });
  await page.getByTestId('attach-drop-zone').waitFor({ state: 'detached' });
}

const chip = (page: Page, name: string) =>
  page.locator('form.composer').getByTestId('attachment-chip').filter({ hasText: name });

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('send').click();
}

/** The open chat's id, from the address. */
function chatId(page: Page): string {
  return /#\/c\/([0-9A-Z]{26})/.exec(page.url())?.[1] ?? '';
}

async function storedMessages(sessionId: string): Promise<ChatMessage[]> {
  const page = await api.call<{ items: ChatMessage[] }>('GET', `/api/chat/sessions/${sessionId}/messages?limit=50`);
  return page.items;
}

/** Waits until the last reply is stored and complete. */
async function replyStored(page: Page): Promise<void> {
  await page
    .locator('[data-testid="message"][data-role="assistant"]:not([data-streaming])[data-status="complete"]')
    .last()
    .waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('stream-status').textContent(), { timeout: 60_000 }).toBe('Reply complete.');
}

describe('attachments in Chromium against the real server', () => {
  it('uploads a file dropped on the chat, meters its tokens and sends it with the message', async () => {
    const { context, page, errors, uploads } = await openApp();
    const text = '# Packing list\n\n- a tent\n- a stove\n- two maps of the valley\n';
    await dropFiles(page, [{ name: 'packing.md', type: 'text/markdown', text }]);
    await chip(page, 'packing.md').and(page.locator('[data-state="ready"]')).waitFor();
    expect(uploads).toHaveLength(1);

    // The meter shows the tokens the server counted, against the model's context.
    const limits = await api.call<{ used_bytes: number }>('GET', '/api/attachments/limits');
    expect(limits.used_bytes).toBe(new TextEncoder().encode(text).byteLength);
    // The context size comes with the start-up model list, which a loaded machine can answer after the upload.
    const meter = page.getByTestId('token-meter-summary');
    await expect.poll(() => meter.textContent()).toMatch(/^Attachments: [\d,]+ tokens? · [\d,]+ of [\d,]+ left$/);
    const summary = await meter.textContent();
    expect(await page.getByTestId('token-warning').count()).toBe(0);
    await screenshot(page, 'attachments-light');

    await send(page, 'What is on the packing list?');
    await replyStored(page);
    const sessionId = chatId(page);
    const [question] = await storedMessages(sessionId);
    expect(question?.attachments?.map((a) => a.name)).toEqual(['packing.md']);
    const tokens = question?.attachments?.[0]?.tokens;
    expect(summary).toContain(`Attachments: ${(tokens ?? -1).toLocaleString('en-US')} token`);
    // The sent question shows its chip; the composer is empty again.
    const sent = page.locator('[data-testid="message"][data-role="user"]').getByTestId('attachment-chip');
    await sent.filter({ hasText: 'packing.md' }).waitFor();
    expect(await page.locator('form.composer').getByTestId('attachment-chip').count()).toBe(0);

    // Its preview shows the extracted text as text (never as HTML), with a download link; Esc closes it.
    await sent.getByRole('button', { name: /^Preview packing\.md/ }).click();
    const preview = page.getByTestId('attachment-preview');
    await preview.getByText('- two maps of the valley').waitFor();
    expect(await preview.getByTestId('preview-download').getAttribute('href')).toBe(
      `/api/attachments/${question?.attachments?.[0]?.id}/content`,
    );
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('uploads a file pasted into the composer, and deletes it when removed before sending', async () => {
    const { context, page, errors, uploads } = await openApp('dark');
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['timestamp,level\n1,info\n2,warn\n'], 'events.csv', { type: 'text/csv' }));
      const event = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
      document.getElementById('composer')?.dispatchEvent(event);
    });
    await chip(page, 'events.csv').and(page.locator('[data-state="ready"]')).waitFor();
    expect(uploads).toHaveLength(1);
    expect(await seriousViolations(page)).toEqual([]);
    // Pasting a file leaves the text box as it was.
    expect(await page.getByTestId('composer').inputValue()).toBe('');
    const before = await api.call<{ used_bytes: number }>('GET', '/api/attachments/limits');
    expect(before.used_bytes).toBeGreaterThan(0);

    await chip(page, 'events.csv').getByRole('button', { name: 'Remove events.csv' }).click();
    await chip(page, 'events.csv').waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await api.call<{ used_bytes: number }>('GET', '/api/attachments/limits')).used_bytes)
      .toBeLessThan(before.used_bytes);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('picks a file from disk with the keyboard: Tab to the labelled paper clip, Enter opens the picker', async () => {
    const { context, page, errors, uploads } = await openApp();
    const file = path.join(tmp.dir, 'server.log');
    writeFileSync(file, '2026-12-03 01:00:00 INFO started\n2026-12-03 01:00:01 WARN slow disk\n');
    // The app moves focus to the message box once its start-up lists load, which can land between our focus and
    // our Tab (CI run of 2026-12-03): repeat the pair until the Tab lands where the keyboard user would be.
    await expect
      .poll(
        async () => {
          await page.getByTestId('composer').focus();
          await page.keyboard.press('Tab');
          return page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
        },
        { timeout: 15_000 },
      )
      .toBe('Attach files');
    // Enter on the button itself (the app may move focus to the message box while it loads its lists).
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('attach').press('Enter')]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(file);
    await chip(page, 'server.log').and(page.locator('[data-state="ready"]')).waitFor();
    expect(uploads).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses an oversized file before uploading it, with the limit in words', async () => {
    const { context, page, errors, uploads } = await openApp();
    await dropFiles(page, [{ name: 'huge.log', type: 'text/plain', bytes: MAX_FILE_BYTES + 1024 }]);
    const refused = chip(page, 'huge.log');
    await refused.and(page.locator('[data-state="error"]')).waitFor();
    expect(await refused.getByTestId('attachment-error').textContent()).toBe(
      '“huge.log” is 97 KB; files can be at most 96 KB. Attach a smaller file or a part of it.',
    );
    expect(uploads).toEqual([]);
    // An image is refused the same way: no model here can see.
    await dropFiles(page, [{ name: 'photo.png', type: 'image/png', bytes: 100 }]);
    await chip(page, 'photo.png')
      .getByText(/images need a model that can see/)
      .waitFor();
    expect(uploads).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing to send: the refused files are not attachments; removing them leaves an empty composer.
    await refused.getByRole('button', { name: 'Remove huge.log' }).click();
    await refused.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('warns that a long document is retrieved in parts, and the reply lists the parts it used', async () => {
    const { context, page, errors } = await openApp();
    const text = longDocument(16);
    expect(text.length).toBeLessThan(MAX_FILE_BYTES);
    await dropFiles(page, [{ name: 'forest.md', type: 'text/markdown', text }]);
    // Ready, or indexing while its parts are prepared: either way it can be sent.
    await chip(page, 'forest.md').and(page.locator('[data-state="ready"], [data-state="indexing"]')).waitFor();
    await page.getByTestId('token-warning').getByText('“forest.md” is too large to place whole').waitFor();

    await send(page, 'Where does the otter look for food?');
    await replyStored(page);
    const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
    const parts = reply.getByTestId('cited-part');
    await parts.first().waitFor();
    const [, answer] = await storedMessages(chatId(page));
    const sources = answer?.sources ?? [];
    expect(sources.length).toBeGreaterThan(0);
    expect(await parts.count()).toBe(sources.length);
    // The last part used is the furthest into the file: the preview has to scroll to it.
    const cited = sources.at(-1)!;
    expect(cited.ordinal).toBeGreaterThan(2);
    expect(await parts.last().textContent()).toBe(
      `forest.md — Part ${cited.ordinal + 1}${cited.heading ? ` · ${cited.heading}` : ''}`,
    );

    // The part opens the preview scrolled to it: its boundaries and heading visible, marked as the cited one.
    await parts.last().click();
    const preview = page.getByTestId('attachment-preview');
    const part = preview.locator(`[data-testid="preview-part"][data-ordinal="${cited.ordinal}"]`);
    await part.waitFor();
    expect(await part.getAttribute('aria-current')).toBe('true');
    expect(await preview.getByTestId('preview-part').count()).toBeGreaterThan(1);
    await expect
      .poll(() =>
        part.evaluate((el) => {
          const box = el.getBoundingClientRect();
          const view = el.closest('.preview-text')?.getBoundingClientRect();
          return view ? box.top >= view.top - 1 && box.top < view.bottom : false;
        }),
      )
      .toBe(true);
    await screenshot(page, 'attachment-preview-light');
    expect(await seriousViolations(page)).toEqual([]);
    // Focus stays in the dialog; Esc closes it.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
