/** A real API server on the test model with an `openai` client on its /v1: the set-up the /v1 model tests share. */
import path from 'node:path';
import OpenAI from 'openai';
import { createChatClient, type LlmStatus } from '@chat-studio/protocol';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';

export interface OpenAiTestServer {
  server: ApiServer;
  openai: OpenAI;
  client: ReturnType<typeof createChatClient>;
  /** The model the server loaded. */
  model: string;
  /** SIGKILLs the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts the server with its database in a fresh folder, the test model and the reply cache off, waits until the
 * model is ready, and returns the clients. `env` gets the folder, for variables that point into it.
 *
 * @example
 * let t: OpenAiTestServer;
 * beforeAll(async () => { t = await startOpenAiTestServer(); }, 90_000);
 * afterAll(() => t?.stop());
 */
export async function startOpenAiTestServer(
  env: (dir: string) => Record<string, string> = () => ({}),
): Promise<OpenAiTestServer> {
  const tmp = tempDir();
  try {
    const server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'db.sqlite'),
      MODELS_DIR: testModelsDir(),
      CHAT_CACHE_TTL: '0',
      ...env(tmp.dir),
    });
    const model = (await waitForModelReady<LlmStatus>(server.baseUrl, { timeoutMs: 90_000 })).model_id!;
    return {
      server,
      model,
      openai: new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: 'unused-when-auth-is-off', maxRetries: 0 }),
      client: createChatClient({ baseUrl: server.baseUrl }),
      stop: async () => {
        await server.stop('SIGKILL');
        tmp.cleanup();
      },
    };
  } catch (error) {
    tmp.cleanup();
    throw error;
  }
}
