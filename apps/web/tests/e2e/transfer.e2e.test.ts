/** End-to-end: export a chat from its menu, import the file from settings and see it; import by drag and drop. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '@chat-studio/test-support';
import { useE2eServer } from './support.js';

// Nothing here talks to the model.
const e2e = useE2eServer({}, { waitForModel: false });

async function openApp(hash = ''): Promise<{ page: Page; errors: string[] }> {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${e2e.server.baseUrl}/${hash}`);
  await page.getByTestId('composer').waitFor();
  return { page, errors };
}

const messageTexts = (page: Page) => page.getByTestId('message-list').getByTestId('message').allTextContents();

describe('export and import in Chromium against the real server', () => {
  it('exports a chat from its menu, imports the file from settings and shows the chat again', async () => {
    const session = await e2e.api.createSession('Fox notes 🦊');
    await e2e.api.append(session.id, 'user', 'Export me, with ünïcödé');
    await e2e.api.append(session.id, 'assistant', 'Here is code:\n\n```js\nconsole.log(1)\n```');
    const { page, errors } = await openApp(`#/c/${session.id}`);
    await page.getByText('Export me, with ünïcödé').waitFor();

    await page.getByTestId('export-chat').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-chat-json').click()]);
    expect(download.suggestedFilename()).toBe('fox-notes.json');
    const file = path.join(e2e.dir, 'fox-notes.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string;
      chats: Array<{ title: string; messages: Array<{ content: string }> }>;
    };
    expect(exported.format).toBe('chat-studio-export');
    expect(exported.chats.map((c) => [c.title, c.messages.length])).toEqual([['Fox notes 🦊', 2]]);

    // Gone from the server, then back from the file.
    await e2e.api.call('DELETE', `/api/chat/sessions/${session.id}`);
    await page.reload();
    await page.getByTestId('composer').waitFor();
    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-panel').waitFor();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByText('Imported 1 of 1 chat (2 messages).').waitFor();
    await page.locator('#chat-title', { hasText: 'Fox notes 🦊' }).waitFor();
    await page.getByText('Export me, with ünïcödé').waitFor();
    expect((await messageTexts(page)).join('\n')).toContain('console.log(1)');
    // The chat list is fetched again after the import: polled, it can come after the chat itself opens.
    await expect.poll(() => page.locator('#sidebar').getByText('Fox notes 🦊').count()).toBe(1);

    // The same file again: nothing new, and the toast says so.
    await page.getByTestId('settings-button').click();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByText('Imported 0 of 1 chat (0 messages); 1 already imported before, skipped.').waitFor();
    await expect(page.locator('#sidebar').getByText('Fox notes 🦊').count()).resolves.toBe(1);
    expect(errors).toEqual([]);
  });

  it('imports a ChatGPT export dropped on the page and opens its first chat on the branch ChatGPT showed', async () => {
    const { page, errors } = await openApp();
    const text = readFileSync(
      path.join(REPO_ROOT, 'packages/chat-store/test/fixtures/transfer/chatgpt-conversations.json'),
      'utf8',
    );
    const dataTransfer = (content: string, name: string) =>
      page.evaluateHandle(
        ([body, fileName]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([body], fileName, { type: 'application/json' }));
          return dt;
        },
        [content, name] as const,
      );

    // A broken file: the toast names the chat and the field, and no chat appears.
    const broken = JSON.parse(text) as Array<{ mapping: Record<string, { parent: string | null }> }>;
    broken[1]!.mapping['u-edit']!.parent = 'lost';
    await page.dispatchEvent('body', 'drop', {
      dataTransfer: await dataTransfer(JSON.stringify(broken), 'broken.json'),
    });
    await page
      .getByText(
        /^Could not import broken\.json\W+Import refused, nothing was stored: Chat #2 "Système et édition": mapping\.u-edit\.parent: node "lost" does not exist/,
      )
      .waitFor();
    expect(await page.locator('#sidebar').getByText('Trip to Zürich 🇨🇭').count()).toBe(0);

    const transfer = await dataTransfer(text, 'conversations.json');
    await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
    await page.getByTestId('drop-overlay').waitFor();
    await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
    await page.getByText(/^Imported 2 of 2 chats \(10 messages\); left out 1 attachment/).waitFor();
    await page.locator('#chat-title', { hasText: 'Trip to Zürich 🇨🇭' }).waitFor();
    await page.getByText('It looks like the Grossmünster.').waitFor();
    expect((await messageTexts(page)).join('\n')).not.toContain('A second plan');
    expect(errors).toEqual([]);
  });
});
