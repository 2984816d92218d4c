import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore } from '@chat-studio/chat-store';
import { createAuthService, InvalidCredentialsError } from '@chat-studio/security';

// The compiled entry points, exactly as `pnpm users` / `pnpm keys` run them.
const DIST = path.resolve(import.meta.dirname, '../../dist/cli');
const USERS = path.join(DIST, 'users.js');
const KEYS = path.join(DIST, 'keys.js');

let dir: string;
let dbPath: string;

beforeAll(() => {
  if (!existsSync(USERS) || !existsSync(KEYS)) throw new Error(`Build apps/api first: ${USERS} is missing`);
  dir = mkdtempSync(path.join(tmpdir(), 'cs-cli-'));
  dbPath = path.join(dir, 'chat.db');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, DATABASE_PATH: dbPath },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Checks the database directly with the same auth service the server uses. */
async function withAuth<T>(fn: (auth: ReturnType<typeof createAuthService>) => Promise<T>): Promise<T> {
  const store = await openChatStore({ path: dbPath });
  try {
    return await fn(createAuthService(store));
  } finally {
    await store.close();
  }
}

// Each case spawns node a few times (about 0.5 s each on a busy 2-core machine).
describe('users and keys CLI (compiled, against a temp DATABASE_PATH)', { timeout: 30_000 }, () => {
  it('users add reads the password from stdin; the user can log in with it', async () => {
    const added = await run(USERS, ['add', 'alice', '--password-stdin'], 'alice-password-1\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Created user alice \([0-9A-HJKMNP-TV-Z]{26}\), role admin\n$/);
    // Without the flag a piped stdin is read the same way.
    const bob = await run(USERS, ['add', 'bob'], 'bob-password-1\n');
    expect(bob.code).toBe(0);
    await withAuth(async (auth) => {
      expect((await auth.login('alice', 'alice-password-1')).user.username).toBe('alice');
      expect((await auth.login('bob', 'bob-password-1')).user.username).toBe('bob');
    });
  });

  it('refuses duplicates, weak passwords, an empty stdin and bad usage with distinct exit codes', async () => {
    // Independent failures: run them side by side to keep the suite quick.
    const [dup, weak, empty, usage] = await Promise.all([
      run(USERS, ['add', 'ALICE'], 'another-password\n'),
      run(USERS, ['add', 'carol'], 'short\n'),
      run(USERS, ['add', 'carol'], ''),
      run(USERS, ['frobnicate']),
    ]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('error: User "ALICE" already exists\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/at least 8 characters/);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/No password on stdin/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Unknown command "frobnicate"[\s\S]*Usage: pnpm users/);
  });

  it('users list shows every user', async () => {
    const list = await run(USERS, ['list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+ID\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['alice', 'bob']);
  });

  it('users passwd changes the password and signs existing logins out', async () => {
    const token = await withAuth(async (auth) => (await auth.login('alice', 'alice-password-1')).token);
    const res = await run(USERS, ['passwd', 'alice', '--password-stdin'], 'alice-password-2\n');
    expect(res.code).toBe(0);
    await withAuth(async (auth) => {
      await expect(auth.login('alice', 'alice-password-1')).rejects.toThrow(InvalidCredentialsError);
      expect((await auth.login('alice', 'alice-password-2')).user.username).toBe('alice');
      expect(await auth.authenticateSessionToken(token)).toBeNull();
    });
    const unknown = await run(USERS, ['passwd', 'nobody'], 'whatever-pw\n');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: User "nobody" not found\n');
  });

  it('keys create prints a working key once; list shows only its prefix; revoke disables it', async () => {
    const created = await run(KEYS, ['create', 'alice', '--name', 'laptop']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^cs_[A-Za-z0-9_-]{43}\n$/);
    const key = created.stdout.trim();
    expect(created.stderr).toMatch(/Created API key "laptop" \(id [0-9A-Z]{26}\) for alice/);
    const id = /\(id ([0-9A-Z]{26})\)/.exec(created.stderr)![1]!;
    expect(await withAuth((auth) => auth.authenticateApiKey(key))).toMatchObject({ username: 'alice', via: 'api_key' });

    const list = await run(KEYS, ['list', 'alice']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('laptop');
    expect(list.stdout).toContain(`${key.slice(0, 8)}…`);
    expect(list.stdout).not.toContain(key.slice(0, 12));
    expect((await run(KEYS, ['list', 'bob'])).stdout).toBe('No active API keys for bob\n');

    // Bob can't revoke Alice's key.
    const wrongUser = await run(KEYS, ['revoke', 'bob', id]);
    expect(wrongUser.code).toBe(1);
    expect(wrongUser.stderr).toMatch(/API key .* not found/);
    const revoked = await run(KEYS, ['revoke', 'alice', id]);
    expect(revoked.code).toBe(0);
    expect(await withAuth((auth) => auth.authenticateApiKey(key))).toBeNull();
    expect((await run(KEYS, ['list', 'alice'])).stdout).toBe('No active API keys for alice\n');
    const [noUser, noArgs] = await Promise.all([run(KEYS, ['create', 'nobody']), run(KEYS, ['create'])]);
    expect(noUser.code).toBe(1);
    expect(noArgs.code).toBe(2);
  });

  it('users delete removes the user and their keys', async () => {
    const { key } = await withAuth(async (auth) => auth.createApiKey((await auth.getUser('bob')).id, 'k'));
    const res = await run(USERS, ['delete', 'bob']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('Deleted user bob\n');
    expect(await withAuth((auth) => auth.authenticateApiKey(key))).toBeNull();
    const list = await run(USERS, ['list']);
    expect(list.stdout).not.toMatch(/^bob\s/m);
    expect((await run(USERS, ['delete', 'bob'])).code).toBe(1);
  });

  it('the first user is admin; users add --admin and users role change roles; only an admin holds a service key', async () => {
    expect((await withAuth((auth) => auth.getUser('alice'))).role).toBe('admin');
    const erin = await run(USERS, ['add', 'erin', '--admin', '--password-stdin'], 'erin-password-1\n');
    expect(erin.stdout).toMatch(/role admin/);
    const fred = await run(USERS, ['add', 'fred'], 'fred-password-1\n');
    expect(fred.stdout).toMatch(/role user/);
    expect((await run(USERS, ['list'])).stdout).toMatch(/^fred\s+user\s/m);

    const refused = await run(KEYS, ['create', 'fred', '--service']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/administrator/);
    const promoted = await run(USERS, ['role', 'fred', 'admin']);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toBe('fred is now an admin\n');
    const service = await run(KEYS, ['create', 'fred', '--service']);
    expect(service.code).toBe(0);
    expect(service.stderr).toMatch(/Created service key "service"/);
    expect(await withAuth((auth) => auth.authenticateApiKey(service.stdout.trim()))).toMatchObject({
      role: 'admin',
      service: true,
    });
    expect((await run(KEYS, ['list', 'fred'])).stdout).toMatch(/\sservice\s/);

    const [bad, usage] = await Promise.all([run(USERS, ['role', 'fred', 'root']), run(USERS, ['role', 'fred'])]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Role must be "admin" or "user"/);
    expect(usage.code).toBe(2);
    expect((await run(USERS, ['role', 'fred', 'user'])).stdout).toBe('fred is now a user\n');
  }, 120_000);

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('on a terminal, asks for the password twice without echoing it', async () => {
    // util-linux `script` gives the CLI a real pseudo-terminal.
    const child = spawn(
      'script',
      ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(USERS)} add dave`, '/dev/null'],
      {
        env: { ...process.env, DATABASE_PATH: dbPath },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let answered = 0;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const prompts = (output.match(/Password: |Repeat password: /g) ?? []).length;
      while (answered < prompts) {
        answered++;
        child.stdin.write('tty-password-1\r');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).toMatch(/Password: [\s\S]*Repeat password: [\s\S]*Created user dave/);
    expect(output).not.toContain('tty-password-1');
    expect(code).toBe(0);
    expect((await withAuth((auth) => auth.login('dave', 'tty-password-1'))).user.username).toBe('dave');
  });
});
