import { describe, expect, it } from 'vitest';
import { tempDir } from '@chat-studio/test-support';
import { extractShellBlocks, runShellBlocks } from './shell-blocks.js';

const DOC = [
  '# Title',
  '```sh',
  'GREETING=hello',
  '```',
  'text',
  '```js',
  'console.log(1)',
  '```',
  '<!-- not run: needs a GPU -->',
  '',
  '```bash',
  'nvidia-smi',
  '```',
  '```bash',
  'echo "$GREETING world"',
  '```',
].join('\n');

describe('extractShellBlocks', () => {
  it('finds the shell blocks in order with their lines, and the visible not-run annotation', () => {
    const blocks = extractShellBlocks(DOC, 'x.md');
    expect(blocks.map((b) => [b.line, b.code, b.notRun])).toEqual([
      [2, 'GREETING=hello', undefined],
      [11, 'nvidia-smi', 'needs a GPU'],
      [14, 'echo "$GREETING world"', undefined],
    ]);
  });
});

describe('runShellBlocks', () => {
  it('runs the blocks in one shell, in order, and lists the skipped ones', async () => {
    const tmp = tempDir();
    const r = await runShellBlocks(extractShellBlocks(DOC, 'x.md'), { cwd: tmp.dir, env: process.env });
    tmp.cleanup();
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toContain('hello world');
    expect(r.skipped.map((b) => b.notRun)).toEqual(['needs a GPU']);
  });

  it('fails on a broken block and names it; later blocks do not run', async () => {
    const tmp = tempDir();
    const broken = [
      '```sh',
      'echo first',
      '```',
      '```sh',
      'ls /no/such/folder',
      'echo after',
      '```',
      '```sh',
      'echo third',
      '```',
    ];
    const r = await runShellBlocks(extractShellBlocks(broken.join('\n'), 'broken.md'), {
      cwd: tmp.dir,
      env: process.env,
    });
    tmp.cleanup();
    expect(r.ok).toBe(false);
    expect(r.failed?.line).toBe(4);
    expect(r.output).toContain('first');
    expect(r.output).not.toContain('after');
    expect(r.output).not.toContain('third');
  });

  it('kills what a block left running in the background', async () => {
    const tmp = tempDir();
    const r = await runShellBlocks(extractShellBlocks('```sh\nsleep 300 &\necho started\n```', 'bg.md'), {
      cwd: tmp.dir,
      env: process.env,
      timeoutMs: 20_000,
    });
    tmp.cleanup();
    expect(r.ok, r.output).toBe(true);
  });
});
