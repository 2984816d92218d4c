/** Chat Studio API server entry: opens the store, starts the model runtime in the background, serves on HOST:PORT. */
import { serve } from '@hono/node-server';
import { openChatStore } from '@chat-studio/chat-store';
import { createLlmRuntime } from '@chat-studio/llm-runtime';
import { createAuthService, readSecurityConfig } from '@chat-studio/security';
import { loadConfig } from './config/index.js';
import { createApp } from './app/create-app.js';
import { createChatTurns } from './chat-service/index.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  const config = loadConfig();
  // Refuses AUTH=off on a non-loopback host before anything is opened.
  const securityConfig = readSecurityConfig(process.env, config.host);
  const store = await openChatStore({ path: config.databasePath });
  const auth = createAuthService(store);
  if (securityConfig.authMode === 'off') await auth.ensureLocalUser();
  const runtime = createLlmRuntime({ modelsDir: config.modelsDir });
  // Loading a model can take minutes; the API (sessions, search, health) serves meanwhile.
  runtime.start().catch((err: unknown) => console.error('[llm] start failed:', err));

  const turns = createChatTurns({ store, runtime, config });
  const app = createApp({ store, runtime, config, turns, security: { config: securityConfig, auth } });
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    console.log(
      `Chat Studio listening on http://${config.host}:${info.port} (auth ${securityConfig.authMode}, database ${config.databasePath}, models ${config.modelsDir})`,
    );
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[server] ${signal}: shutting down`);
    const force = setTimeout(() => {
      console.error('[server] shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close();
    // Aborting generation lets each stream store its partial reply before the database closes.
    await turns.abortAll();
    await runtime.close().catch((err: unknown) => console.error('[llm] close failed:', err));
    if ('closeAllConnections' in server) server.closeAllConnections();
    await store.close();
    console.log('[server] stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
