/** End-to-end: the unavailable banner with an empty models folder, and the login page with AUTH=on. */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from '@chat-studio/test-support';
import {
  assertPrerequisites,
  launchBrowser,
  screenshot,
  startServer,
  USERS_CLI,
  type RunningServer,
} from './support.js';

let browser: Browser;
let tmp: { dir: string; cleanup: () => void };
const servers: RunningServer[] = [];

beforeAll(async () => {
  assertPrerequisites();
  tmp = tempDir();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop()));
  tmp?.cleanup();
});

/** Runs the built users CLI with the password on stdin, as an operator would. */
function addUser(databasePath: string, name: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [USERS_CLI, 'add', name, '--password-stdin'], {
      env: { ...process.env, DATABASE_PATH: databasePath },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`users add exited ${code}: ${out}`))));
    child.stdin.end(`${password}\n`);
  });
}

describe('access screens in Chromium', () => {
  it('shows the unavailable banner with the reason when the models folder is empty', async () => {
    const dir = path.join(tmp.dir, 'no-models');
    const emptyModels = path.join(dir, 'models');
    mkdirSync(emptyModels, { recursive: true });
    const server = await startServer(dir, { MODELS_DIR: emptyModels }, { waitForModel: false });
    servers.push(server);
    const readStatus = async () =>
      (await (await fetch(`${server.baseUrl}/api/llm/status`)).json()) as { state: string; reason: string | null };
    // The server listens before its runtime starts ("the runtime has not been started"); then the folder is scanned.
    await expect
      .poll(async () => (await readStatus()).reason, { timeout: 60_000 })
      .not.toBe('the runtime has not been started');
    const status = await readStatus();
    expect(status.state).toBe('no_model');
    expect(status.reason).toBeTruthy();

    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/`);
      const banner = page.getByTestId('unavailable-banner');
      await banner.waitFor();
      expect(await banner.isVisible()).toBe(true);
      expect((await page.getByTestId('unavailable-reason').textContent())?.trim()).toBe(status.reason);
      expect(await banner.textContent()).toContain('Chat is not available');
      await screenshot(page, `unavailable-${colorScheme}`);
      await context.close();
    }
  });

  it('shows the login page when AUTH=on, and signs in through the form', async () => {
    const dir = path.join(tmp.dir, 'auth');
    mkdirSync(dir, { recursive: true });
    const databasePath = path.join(dir, 'chat_history.db');
    await addUser(databasePath, 'alice', 'correct horse battery staple');
    const server = await startServer(dir, { AUTH: 'on', DATABASE_PATH: databasePath }, { waitForModel: false });
    servers.push(server);
    expect((await fetch(`${server.baseUrl}/api/chat/sessions`)).status).toBe(401);

    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/`);
      const form = page.getByTestId('login-form');
      await form.waitFor();
      expect(await page.getByTestId('composer').count()).toBe(0);
      await screenshot(page, `login-${colorScheme}`);

      if (colorScheme === 'light') {
        // A wrong password keeps the form up with an error.
        await form.locator('[name="username"]').fill('alice');
        await form.locator('[name="password"]').fill('wrong password!');
        await form.getByRole('button', { name: 'Sign in' }).click();
        await form.getByRole('alert').waitFor();
        expect(await form.getByRole('alert').textContent()).toContain('Wrong username or password');

        await form.locator('[name="password"]').fill('correct horse battery staple');
        await form.getByRole('button', { name: 'Sign in' }).click();
        await page.getByTestId('composer').waitFor();
        expect(await page.getByTestId('login-form').count()).toBe(0);
        await expect.poll(() => page.getByRole('button', { name: /Sign out alice/ }).isVisible()).toBe(true);
        const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
        expect(me).toMatchObject({ user: { username: 'alice' }, auth: 'cookie' });
        // The session cookie survives a reload: still in the app.
        await page.reload();
        await page.getByTestId('composer').waitFor();
        expect(await page.getByTestId('login-form').count()).toBe(0);
      }
      await context.close();
    }
  });
});
