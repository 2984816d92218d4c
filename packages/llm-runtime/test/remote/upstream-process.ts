/** Real Chat Studio API processes used as OpenAI-compatible upstreams in the remote-provider tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LlmStatus } from '@chat-studio/protocol';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The API server build; the root `pnpm test` builds every package before any test runs. */
export const SERVER_ENTRY = path.join(repoRoot, 'apps/api/dist/server.js');
/** Folder holding stories260K.gguf: env TEST_MODELS_DIR, else `<repo root>/../shared/models`. */
export const TEST_MODELS_DIR = process.env.TEST_MODELS_DIR ?? path.resolve(repoRoot, '../shared/models');

/** One upstream server process that can be killed and started again on the same port. */
export interface UpstreamProcess {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `http://127.0.0.1:<port>/v1`, what an upstream config points at. */
  readonly baseUrl: string;
  /** Starts (again) and waits until the model is ready. */
  start(): Promise<void>;
  /** SIGKILL: no goodbye to open connections, as when a machine dies. */
  kill(): Promise<void>;
  status(): Promise<LlmStatus>;
  output(): string;
  /** Kills the process and removes its temp folder. */
  dispose(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates (and starts) a Chat Studio API process serving the test model on a free port.
 *
 * @example
 * const upstream = await startUpstream();
 * createLlmRuntime({ upstreams: [{ name: 'studio', baseUrl: upstream.baseUrl }] });
 */
export async function startUpstream(extraEnv: NodeJS.ProcessEnv = {}): Promise<UpstreamProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: build apps/api first (pnpm --filter @chat-studio/api build)`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-studio-upstream-'));
  const origin = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let out = '';

  async function kill(): Promise<void> {
    const current = child;
    child = null;
    if (current && current.exitCode === null && current.signalCode === null) current.kill('SIGKILL');
    await exited;
  }

  const upstream: UpstreamProcess = {
    port,
    origin,
    baseUrl: `${origin}/v1`,
    async start() {
      await kill();
      const spawned = spawn(process.execPath, [SERVER_ENTRY], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: String(port),
          HOST: '127.0.0.1',
          MODELS_DIR: TEST_MODELS_DIR,
          DATABASE_PATH: path.join(dir, 'chat.db'),
          LOGS_DIR: dir,
          LLAMA_THREADS: '1',
          RATE_LIMIT_CHAT: '1000/minute',
          RATE_LIMIT_API: '100000/minute',
          CHAT_CACHE_TTL: '0',
          ...extraEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = spawned;
      spawned.stdout!.on('data', (data) => (out += data));
      spawned.stderr!.on('data', (data) => (out += data));
      exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (spawned.exitCode !== null) throw new Error(`upstream on ${port} exited (${spawned.exitCode}):\n${out}`);
        const state = await upstream.status().then(
          (status) => status.state,
          () => 'down',
        );
        if (state === 'ready') return;
        // `no_model` is also what it says before its first scan, so only the deadline ends that wait.
        if (state === 'error') throw new Error(`upstream on ${port} could not load its model:\n${out}`);
        if (Date.now() > deadline) {
          await kill();
          throw new Error(`upstream on ${port} was not ready in 30 s:\n${out}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill,
    async status() {
      const response = await fetch(`${origin}/api/llm/status`);
      if (!response.ok) throw new Error(`status ${response.status}`);
      return (await response.json()) as LlmStatus;
    },
    output: () => out,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await upstream.start();
  return upstream;
}
