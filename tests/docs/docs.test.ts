/**
 * Docs are executable: every shell block of README.md and docs/*.md runs as written, in order per file, against a
 * real server with the test model, in a copy of the checkout (so `data/`, `logs/` and the pid files the blocks touch
 * are the copy's, never the repository's). Blocks the docs mark `<!-- not run: reason -->` are listed, not run.
 *
 * Translations (the only changes to what the docs say):
 * - `127.0.0.1:5000` and `:11434` → free ports (another server may hold 5000 on a shared machine); `PORT` is set to
 *   the same port so `pnpm start` listens there;
 * - a `pnpm start` / `pnpm dev` line that would hold the terminal runs in the background, and the next block waits
 *   until `/health` answers; every server the file started is stopped (`pnpm stop --all`) after its last block.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, freePort, tempDir, testModelsDir } from '@chat-studio/test-support';
import { extractShellBlocks, runShellBlocks, type ShellBlock } from './shell-blocks.js';

const FILES = [
  'README.md',
  ...readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const BLOCKS = FILES.map((file) => ({
  file,
  blocks: extractShellBlocks(readFileSync(path.join(REPO_ROOT, file), 'utf8'), file),
})).filter((f) => f.blocks.length > 0);

/** A copy of the checkout beside `shared/models` (the README's `../shared/models`), sharing node_modules. */
function makeSandbox(root: string): string {
  const repo = path.join(root, 'repo');
  mkdirSync(path.join(root, 'shared'), { recursive: true });
  symlinkSync(testModelsDir(), path.join(root, 'shared/models'));
  mkdirSync(repo);
  const sh = (command: string, cwd: string) => {
    const r = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
  };
  sh(
    `tar --exclude=./node_modules --exclude=./.git --exclude=./.turbo --exclude=./data --exclude=./logs --exclude='./*.pid' -cf - . | tar -xf - -C "${repo}"`,
    REPO_ROOT,
  );
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(repo, 'node_modules'));
  mkdirSync(path.join(repo, 'data'));
  // turbo's cache (hard links: entries are written once), and git so turbo hashes the same inputs as in the
  // checkout: `pnpm start` and the ops commands then restore the build instead of redoing it.
  if (existsSync(path.join(REPO_ROOT, '.turbo/cache'))) {
    mkdirSync(path.join(repo, '.turbo'));
    sh(
      `cp -al "${REPO_ROOT}/.turbo/cache" .turbo/cache 2>/dev/null || cp -r "${REPO_ROOT}/.turbo/cache" .turbo/cache`,
      repo,
    );
  }
  sh('git init -q && git add -A >/dev/null', repo);
  return repo;
}

describe('the shell blocks of README.md and docs/*.md run as written', () => {
  const tmp = tempDir('chat-studio-docs-');
  let repo = '';
  let port = 0;
  let ollamaPort = 0;

  beforeAll(async () => {
    repo = makeSandbox(tmp.dir);
    port = await freePort();
    ollamaPort = await freePort();
  }, 120_000);
  afterAll(() => tmp.cleanup());

  /** Until the server answers with its model loaded (the docs' chat examples need it). */
  const waitReady = () =>
    `until curl -s http://127.0.0.1:${port}/api/llm/status | grep -q '"state":"ready"'; do sleep 1; done`;
  const translate = (code: string) =>
    code
      .replaceAll('127.0.0.1:5000', `127.0.0.1:${port}`)
      .replaceAll('127.0.0.1:11434', `127.0.0.1:${ollamaPort}`)
      .replaceAll('OLLAMA_PORT=11434', `OLLAMA_PORT=${ollamaPort}`)
      .replace(
        /^(\s*(?:\w+=\S+\s+)*pnpm (?:start|dev))\s*(#.*)?$/gm,
        `$1 > docs-server-$$RANDOM.log 2>&1 &\n${waitReady()}`,
      );

  it.each(BLOCKS)(
    '$file',
    async ({ file, blocks }) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of ['DATABASE_PATH', 'DATABASE_URL', 'LOGS_DIR', 'BACKUP_DIR', 'PID_FILE', 'INSTANCE', 'AUTH'])
        delete env[name];
      Object.assign(env, {
        PORT: String(port),
        HOST: '127.0.0.1',
        MODELS_DIR: testModelsDir(),
        LLAMA_THREADS: '1',
        TURBO_TELEMETRY_DISABLED: '1',
      });
      // The docs after the README assume the server it starts is running (`pnpm start`); the README starts its own.
      const prelude: ShellBlock[] =
        file === 'README.md' || blocks.every((b) => b.notRun) ? [] : [{ file, line: 0, code: 'pnpm start' }];
      const r = await runShellBlocks([...prelude, ...blocks], {
        cwd: repo,
        env,
        translate,
        cleanup: 'node tooling/ops/dist/commands/stop.js --all >/dev/null 2>&1 || true',
        timeoutMs: 240_000,
      });
      for (const b of r.skipped) console.log(`not run: ${file}:${b.line} (${b.notRun})`);
      expect(
        r.ok,
        `${file}:${r.failed?.line ?? '?'} failed (exit ${r.code}):\n${r.failed?.code ?? ''}\n--- output ---\n${r.output.slice(-6000)}`,
      ).toBe(true);
    },
    300_000,
  );
});
