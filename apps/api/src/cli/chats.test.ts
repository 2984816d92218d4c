import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore } from '@chat-studio/chat-store';
import { createAuthService } from '@chat-studio/security';
import { REPO_ROOT } from '@chat-studio/test-support';

// The compiled entry point, exactly as `pnpm chats` runs it.
const CHATS = path.resolve(import.meta.dirname, '../../dist/cli/chats.js');
const FIXTURES = path.join(REPO_ROOT, 'packages/chat-store/test/fixtures/transfer');

let dir: string;
let dbPath: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function chats(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHATS, ...args], {
      env: { ...process.env, DATABASE_PATH: dbPath, DATABASE_URL: '', INIT_CWD: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function titlesOf(username: string): Promise<string[]> {
  const store = await openChatStore({ path: dbPath });
  try {
    const id = (await createAuthService(store).getUser(username)).id;
    const all = [
      ...(await store.sessions.list(id)).items,
      ...(await store.sessions.list(id, { archived: true })).items,
    ];
    return all.map((s) => s.title).sort();
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  if (!existsSync(CHATS)) throw new Error(`Build apps/api first: ${CHATS} is missing`);
  dir = mkdtempSync(path.join(tmpdir(), 'cs-chats-'));
  dbPath = path.join(dir, 'chat.db');
  const store = await openChatStore({ path: dbPath });
  const auth = createAuthService(store);
  await auth.addUser('alice', 'alice-password-1');
  await auth.addUser('bob', 'bob-password-12');
  await store.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Each case spawns node a few times (about 0.5 s each on a busy 2-core machine).
describe('chats CLI (compiled, against a temp DATABASE_PATH)', { timeout: 120_000 }, () => {
  it('imports a ChatGPT and an Open WebUI export with a summary, and skips them the second time', async () => {
    const first = await chats(['import', path.join(FIXTURES, 'chatgpt-conversations.json'), '--user', 'alice']);
    expect(first.stderr).toBe('Checked 2 chats (0.0 MiB)\nImported 2 chats (0.0 MiB)\n');
    expect(first.stdout).toBe(
      [
        '#1 "Trip to Zürich 🇨🇭" (chatgpt): imported, 5 messages; left out 3 empty, hidden or tool nodes and 1 non-text part',
        '#2 "Système et édition" (chatgpt): imported, 5 messages; left out 1 empty, hidden or tool node and 0 non-text parts',
        '2 of 2 chats imported (10 messages), 0 already there; left out 4 empty, hidden or tool nodes and 1 non-text part',
        '',
      ].join('\n'),
    );
    expect(first.code).toBe(0);
    const again = await chats(['import', path.join(FIXTURES, 'chatgpt-conversations.json'), '--user', 'alice']);
    expect(again.stdout).toContain('#1 "Trip to Zürich 🇨🇭" (chatgpt): already imported, skipped\n');
    expect(again.stdout).toContain('0 of 2 chats imported (0 messages), 2 already there\n');
    // A path relative to where `pnpm chats` was typed (INIT_CWD).
    writeFileSync(path.join(dir, 'owui.json'), readFileSync(path.join(FIXTURES, 'open-webui-export.json')));
    expect((await chats(['import', 'owui.json', '--user', 'alice'])).code).toBe(0);
    expect(await titlesOf('alice')).toEqual(['Old layout', 'Regex help ✨', 'Système et édition', 'Trip to Zürich 🇨🇭']);
  });

  it('exports JSON to a file and Markdown to stdout; the JSON imports whole for another user', async () => {
    const out = await chats(['export', '--user', 'alice', '--out', 'alice.json']);
    expect(out).toMatchObject({ code: 0, stdout: '' });
    expect(out.stderr).toBe(`Exported to ${path.join(dir, 'alice.json')}\n`);
    const file = JSON.parse(readFileSync(path.join(dir, 'alice.json'), 'utf8')) as {
      chats: Array<{ id: string; title: string }>;
    };
    expect(file.chats).toHaveLength(4);

    const back = await chats(['import', path.join(dir, 'alice.json'), '--user', 'bob']);
    expect(back.stdout).toContain('4 of 4 chats imported (17 messages), 0 already there\n');
    expect(await titlesOf('bob')).toEqual(await titlesOf('alice'));

    const trip = file.chats.find((c) => c.title.startsWith('Trip'))!;
    const md = await chats(['export', '--user', 'alice', '--session', trip.id, '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith('# Trip to Zürich 🇨🇭\n')).toBe(true);
    expect(md.stdout).toContain('\n## User\n\nWhich church is this?\n');
    const foreign = await chats(['export', '--user', 'bob', '--session', trip.id]);
    expect(foreign).toMatchObject({ code: 1, stderr: `error: No chat ${trip.id} for this user\n` });
  });

  it('refuses a bad file naming the chat and field, storing nothing; and bad usage', async () => {
    const bad = JSON.parse(readFileSync(path.join(FIXTURES, 'open-webui-export.json'), 'utf8')) as Array<{
      id: string;
      chat?: { history: { messages: Record<string, { role?: string }> } };
    }>;
    bad[0]!.id = 'a-new-id';
    delete bad[0]!.chat!.history.messages.m4!.role;
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
    const before = await titlesOf('bob');
    const run = await chats(['import', 'bad.json', '--user', 'bob']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: ${path.join(dir, 'bad.json')}: Chat #1 "Regex help ✨": chat.history.messages.m4.role: missing. Nothing was imported.\n`,
    );
    expect(await titlesOf('bob')).toEqual(before);

    expect(await chats(['import', 'nope.json'])).toMatchObject({
      code: 1,
      stderr: `error: No such file: ${path.join(dir, 'nope.json')}\n`,
    });
    expect((await chats(['import', 'bad.json', '--user', 'nobody'])).code).toBe(1);
    const usage = await chats(['export', '--format', 'pdf']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: --format must be json or markdown, not "pdf"\n\nUsage: pnpm chats/);
  });
});
