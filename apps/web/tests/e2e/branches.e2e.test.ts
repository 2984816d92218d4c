/** End-to-end: edit and regenerate keep the old versions, ‹ 1 / 2 › flips between branches, a reload shows the same branch, delete says how many and offers Undo. */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { seedMessages, useE2eServer } from './support.js';

const e2e = useE2eServer({ LLAMA_MAX_TOKENS: '16', CHAT_CACHE_TTL: '0' });

const messageLocator = (page: Page) => page.getByTestId('message-list').getByTestId('message');

/** Waits until the list holds `count` messages and the last one is a stored, finished reply; returns its id. */
async function waitForReply(page: Page, count: number): Promise<string> {
  await expect
    .poll(
      async () => {
        const all = messageLocator(page);
        if ((await all.count()) !== count) return 'count';
        const last = all.last();
        const id = (await last.getAttribute('data-message-id')) ?? '';
        const done =
          (await last.getAttribute('data-status')) === 'complete' &&
          (await last.getAttribute('data-streaming')) === null;
        return !id.startsWith('local-') && done ? 'ok' : 'waiting';
      },
      { timeout: 30_000 },
    )
    .toBe('ok');
  return (await messageLocator(page).last().getAttribute('data-message-id'))!;
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('send').click();
}

const position = (message: Locator) => message.getByTestId('branch-position').textContent();

describe('branches in Chromium against the real server and model', () => {
  it('edit, flip ‹ 1 / 2 ›, regenerate, reload and see the same branch; delete says how many and can be undone', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(e2e.server.baseUrl);
    await page.getByTestId('composer').waitFor();

    await send(page, 'Once upon a time there was a cat');
    await waitForReply(page, 2);
    await send(page, 'The cat liked milk');
    const firstReply = await waitForReply(page, 4);
    const sessionId = /#\/c\/([0-9A-Z]{26})/.exec(page.url())?.[1] ?? '';

    // Edit the second question: a new version with its own reply; the old one stays.
    const question = messageLocator(page).nth(2);
    await question.getByRole('button', { name: 'Edit and resend' }).click();
    await page.getByTestId('edit-message').fill('The cat liked fish');
    await page.getByRole('button', { name: 'Save and send' }).click();
    await waitForReply(page, 4);
    await expect.poll(() => messageLocator(page).nth(2).textContent()).toContain('fish');
    await expect.poll(() => position(messageLocator(page).nth(2))).toBe('2 / 2');

    // ‹ back to the first version: its question and reply come back.
    await messageLocator(page).nth(2).getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => messageLocator(page).nth(2).textContent()).toContain('milk');
    await expect.poll(() => position(messageLocator(page).nth(2))).toBe('1 / 2');
    await expect.poll(() => messageLocator(page).last().getAttribute('data-message-id')).toBe(firstReply);

    // Regenerate that reply: a second version beside it.
    await messageLocator(page).last().getByRole('button', { name: 'Regenerate reply' }).click();
    await expect
      .poll(
        async () => {
          const id = (await messageLocator(page).last().getAttribute('data-message-id')) ?? '';
          return (
            id !== firstReply &&
            !id.startsWith('local-') &&
            (await messageLocator(page).last().getAttribute('data-status')) === 'complete'
          );
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const regenerated = await messageLocator(page).last().getAttribute('data-message-id');
    await expect.poll(() => position(messageLocator(page).last())).toBe('2 / 2');

    // A reload shows the same branch: the first question, the regenerated reply.
    await page.reload();
    await expect.poll(() => messageLocator(page).count()).toBe(4);
    await expect.poll(() => messageLocator(page).nth(2).textContent()).toContain('milk');
    expect(await position(messageLocator(page).nth(2))).toBe('1 / 2');
    expect(await messageLocator(page).last().getAttribute('data-message-id')).toBe(regenerated);
    await messageLocator(page).last().getByRole('button', { name: 'Previous version' }).click();
    await expect.poll(() => messageLocator(page).last().getAttribute('data-message-id')).toBe(firstReply);
    expect(
      (await e2e.api.call<{ message_count: number }>('GET', `/api/chat/sessions/${sessionId}`)).message_count,
    ).toBe(7);

    // Delete the question: the toast says how many go with it (the question and both replies), and Undo brings them back.
    await messageLocator(page).nth(2).getByRole('button', { name: 'Delete message' }).click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Deleted' });
    await expect.poll(() => toast.textContent()).toContain('Deleted 3 messages');
    expect(await messageLocator(page).count()).toBe(2);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => messageLocator(page).count()).toBe(4);
    expect(
      (await e2e.api.call<{ message_count: number }>('GET', `/api/chat/sessions/${sessionId}`)).message_count,
    ).toBe(7);

    // Without Undo the DELETE goes out: one request for all three; the chat shows the branch left (the edited version).
    await messageLocator(page).nth(2).getByRole('button', { name: 'Delete message' }).click();
    await expect
      .poll(
        () =>
          e2e.api
            .call<{ message_count: number }>('GET', `/api/chat/sessions/${sessionId}`)
            .then((s) => s.message_count),
        { timeout: 15_000 },
      )
      .toBe(4);
    await expect.poll(() => messageLocator(page).nth(2).textContent(), { timeout: 15_000 }).toContain('fish');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('edits a message in a deep window (opened at a search hit): the new branch is the messages before it and the new turn', async () => {
    const session = await e2e.api.createSession('Deep edit');
    const ids = seedMessages(e2e.server.databasePath, session.id, 400, (i) =>
      i === 100 ? 'Where is the wombatlantern kept?' : `Line ${i} of a long chat.`,
    );
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(e2e.server.baseUrl);
    await page.getByTestId('search-input').fill('wombatlantern');
    await page.getByTestId('search-result').first().click();
    const hit = page.locator(`[data-testid="message"][data-message-id="${ids[100]}"]`);
    await hit.waitFor();
    // The newest messages are not loaded: this is a deep window.
    expect(await page.locator(`[data-testid="message"][data-message-id="${ids.at(-1)}"]`).count()).toBe(0);

    const edit = hit.getByRole('button', { name: 'Edit and resend' });
    expect(await edit.isEnabled()).toBe(true);
    await edit.click();
    await page.getByTestId('edit-message').fill('Where is the lantern now?');
    await page.getByRole('button', { name: 'Save and send' }).click();
    await expect
      .poll(
        async () => {
          const last = messageLocator(page).last();
          const id = (await last.getAttribute('data-message-id')) ?? '';
          return (
            !id.startsWith('local-') &&
            (await last.getAttribute('data-status')) === 'complete' &&
            (await last.getAttribute('data-role')) === 'assistant'
          );
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const shown = await messageLocator(page).evaluateAll((els) =>
      els.map((e) => (e as HTMLElement).dataset.messageId ?? ''),
    );
    // What came before the edited message, then the new version and its reply; nothing of the old branch after it.
    expect(shown.at(-3)).toBe(ids[99]);
    expect(shown).not.toContain(ids[100]);
    expect(shown).not.toContain(ids[101]);
    await expect.poll(() => position(messageLocator(page).nth(-2))).toBe('2 / 2');

    // The server agrees: the current branch is the 100 messages before it and the new turn; all 400 old ones are kept.
    const branch = await e2e.api.messages(session.id);
    expect(branch).toHaveLength(102);
    expect(branch.slice(0, 100).map((m) => m.id)).toEqual(ids.slice(0, 100));
    expect(branch[100]!.content).toBe('Where is the lantern now?');
    expect(
      (await e2e.api.call<{ message_count: number }>('GET', `/api/chat/sessions/${session.id}`)).message_count,
    ).toBe(402);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
