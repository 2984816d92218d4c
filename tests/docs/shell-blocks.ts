/**
 * "Docs are executable": the shell blocks of a Markdown file, and a runner that runs them in order, in one bash
 * session per file (a variable one block sets is there for the next), as a reader pastes them.
 */
import { spawn } from 'node:child_process';

/** Fence languages that are shell. */
const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

/** One fenced shell block. */
export interface ShellBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Why it is not run, from `<!-- not run: reason -->` on the line before the fence; undefined when it runs. */
  notRun?: string;
}

/**
 * Every ```bash / ```sh / ```shell block of `markdown`, in order. A block is left out of the run only where the
 * doc says so, visibly: `<!-- not run: <reason> -->` as the last non-blank line before its fence.
 */
export function extractShellBlocks(markdown: string, file: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence) && l.trim().replace(/[`~]/g, '') === '');
    const close = end === -1 ? lines.length : end;
    if (SHELL_LANGS.has(open[3]!.toLowerCase())) {
      let k = i - 1;
      while (k >= 0 && lines[k]!.trim() === '') k--;
      const note = k >= 0 ? /^<!--\s*not run:\s*([\s\S]*?)\s*-->$/.exec(lines[k]!.trim()) : null;
      blocks.push({
        file,
        line: i + 1,
        code: lines.slice(i + 1, close).join('\n'),
        ...(note ? { notRun: note[1] } : {}),
      });
    }
    i = close;
  }
  return blocks;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Rewrites a block before it runs (e.g. the port); the default runs it as written. */
  translate?: (code: string) => string;
  /** Bash run after the last block, whatever happened (e.g. stopping servers the blocks started). */
  cleanup?: string;
  timeoutMs?: number;
}

export interface RunResult {
  ok: boolean;
  /** The block that failed (its exit status ended the run), or that was running at the timeout. */
  failed?: ShellBlock;
  code: number | null;
  output: string;
  ran: ShellBlock[];
  skipped: ShellBlock[];
}

const MARK = '@@docs-block';

/**
 * Runs the blocks that are not marked `not run`, in order, in one `bash` with `set -e`: the first command that fails
 * ends the run and names its block. The bash process group is killed at the end, so nothing a block started in the
 * background outlives the run.
 */
export async function runShellBlocks(blocks: ShellBlock[], options: RunOptions): Promise<RunResult> {
  const ran = blocks.filter((b) => b.notRun === undefined);
  const skipped = blocks.filter((b) => b.notRun !== undefined);
  const translate = options.translate ?? ((code: string) => code);
  const body = ran.map((b, i) => `echo "${MARK} ${i}" >&2\n${translate(b.code)}`).join('\n');
  const script = `set -e\n${body}\necho "${MARK} done" >&2\n`;
  const child = spawn('bash', ['-c', script], { cwd: options.cwd, env: options.env, detached: true });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const timer = setTimeout(() => killGroup(child.pid), options.timeoutMs ?? 150_000);
  // 'exit', not 'close': a server a block started in the background keeps the pipes open.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  if (options.cleanup) {
    await new Promise<void>((resolve) => {
      const c = spawn('bash', ['-c', options.cleanup!], { cwd: options.cwd, env: options.env, stdio: 'ignore' });
      c.on('close', () => resolve());
    });
  }
  killGroup(child.pid);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
  const marks = [...output.matchAll(new RegExp(`${MARK} (\\d+|done)`, 'g'))].map((m) => m[1]);
  const last = marks.at(-1);
  const ok = code === 0 && last === 'done';
  return { ok, code, output, ran, skipped, ...(ok || last === undefined ? {} : { failed: ran[Number(last)] }) };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
