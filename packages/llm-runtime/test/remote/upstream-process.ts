/** Real Chat Studio API processes used as OpenAI-compatible upstreams in the remote-provider tests. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { LlmStatus } from '@chat-studio/protocol';
import { freePort, startApiServer, tempDir, testModelsDir, type ApiServer } from '@chat-studio/test-support';

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

/**
 * Creates (and starts) a Chat Studio API process serving the test model on a free port.
 *
 * @example
 * const upstream = await startUpstream();
 * createLlmRuntime({ upstreams: [{ name: 'studio', baseUrl: upstream.baseUrl }] });
 */
export async function startUpstream(extraEnv: NodeJS.ProcessEnv = {}): Promise<UpstreamProcess> {
  const port = await freePort();
  const { dir } = tempDir('chat-studio-upstream-');
  const origin = `http://127.0.0.1:${port}`;
  let server: ApiServer | null = null;
  // Output of earlier runs too, so a restart's failure shows what came before it.
  let earlier = '';

  async function kill(): Promise<void> {
    const current = server;
    server = null;
    if (!current) return;
    await current.stop('SIGKILL');
    earlier += current.output();
  }

  const upstream: UpstreamProcess = {
    port,
    origin,
    baseUrl: `${origin}/v1`,
    async start() {
      await kill();
      server = await startApiServer(
        {
          MODELS_DIR: testModelsDir(),
          DATABASE_PATH: path.join(dir, 'chat.db'),
          LOGS_DIR: dir,
          RATE_LIMIT_API: '100000/minute',
          CHAT_CACHE_TTL: '0',
          ...extraEnv,
        },
        // Only PATH and HOME from the test's environment, so nothing set for the code under test leaks in.
        { port, baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME }, waitForModel: true },
      );
    },
    kill,
    async status() {
      const response = await fetch(`${origin}/api/llm/status`);
      if (!response.ok) throw new Error(`status ${response.status}`);
      return (await response.json()) as LlmStatus;
    },
    output: () => earlier + (server?.output() ?? ''),
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await upstream.start();
  return upstream;
}
