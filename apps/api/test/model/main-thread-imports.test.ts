import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, testModelsDir, type ApiServer } from '@chat-studio/test-support';

// A module resolve hook registered on the server's main thread only (Node runs `--import` in worker threads too, so
// the preload checks): every ES module the main thread resolves is reported on stderr as one line. Hooks registered
// there do not see a worker thread's own imports, which is what makes the two threads tell apart.
const HOOK = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage(resolved.url);
  return resolved;
}
`;
const PRELOAD = `import { register } from 'node:module';
import { MessageChannel, isMainThread } from 'node:worker_threads';
if (isMainThread) {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => process.stderr.write('main-thread import: ' + url + '\\n'));
  port1.unref();
  register('./hook.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
}
`;

const imported = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('main-thread import: '))
    .map((line) => line.slice('main-thread import: '.length));

describe("the server's main thread and node-llama-cpp", () => {
  const tmp = tempDir();
  let preload: string;
  beforeAll(() => {
    writeFileSync(path.join(tmp.dir, 'hook.mjs'), HOOK);
    preload = path.join(tmp.dir, 'preload.mjs');
    writeFileSync(preload, PRELOAD);
  });
  afterAll(() => tmp.cleanup());

  async function serveUntilReady(
    name: string,
    worker: 'on' | 'off',
  ): Promise<{ server: ApiServer; modules: string[] }> {
    const server = await startApiServer(
      {
        NODE_OPTIONS: `--import ${preload}`,
        DATABASE_PATH: path.join(tmp.dir, `${name}.db`),
        MODELS_DIR: testModelsDir(),
        LLAMA_WORKER: worker,
      },
      { waitForModel: true, timeoutMs: 90_000 },
    );
    // The model list reads every GGUF header.
    const list = (await (await fetch(`${server.baseUrl}/api/llm/models`)).json()) as { models: { id: string }[] };
    expect(list.models.map((m) => m.id)).toContain('stories260K');
    await server.stop('SIGTERM');
    return { server, modules: imported(server.output()) };
  }

  it('never imports it with llama.cpp in its worker thread (the default), model loaded and listed', async () => {
    const { modules } = await serveUntilReady('worker', 'on');
    // The hook saw the server's own graph: the store (inside the build's bundle, or unbundled) and the runtime's entry.
    expect(modules.some((url) => /chat-store\/dist\/index\.js|api\/dist\/bundle\/start-server\.js/.test(url))).toBe(
      true,
    );
    expect(modules.some((url) => url.includes('llm-runtime/dist/index.js'))).toBe(true);
    expect(modules.filter((url) => url.includes('/node-llama-cpp/'))).toEqual([]);
  }, 120_000);

  it('imports it on the main thread with LLAMA_WORKER=off (the probe sees it when it is there)', async () => {
    const { modules } = await serveUntilReady('in-process', 'off');
    expect(modules.some((url) => url.includes('/node-llama-cpp/dist/index.js'))).toBe(true);
  }, 120_000);
});
