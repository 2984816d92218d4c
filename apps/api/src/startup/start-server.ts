/** The server behind the port: opens the store, starts the model runtime in the background, serves the app. */
import { lstatSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { getRequestListener, serve } from '@hono/node-server';
import { openChatStore } from '@chat-studio/chat-store';
import { createLlmRuntime } from '@chat-studio/llm-runtime';
import { createAuthService, readSecurityConfig } from '@chat-studio/security';
import type { AppConfig } from '../config/index.js';
import type { EarlyListener } from './early-listener.js';
import { createApp } from '../app/create-app.js';
import { defaultDocuments, resumeChunking } from '../attachments/index.js';
import { createBackgroundEmbedder, createChunkEmbedder } from '../meaning/index.js';
import { createChatTurns } from '../chat-service/index.js';
import {
  createLogger,
  defaultMetrics,
  resolvePidFile,
  timedRuntime,
  timedStore,
  writePidFile,
} from '../observability/index.js';
import { ollamaFetch } from '../routes/ollama/listener.js';
import { startProcessRegistry } from '../instances/index.js';
import { restoreYoungGeneration } from './young-generation.js';

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * `logs/backend.log` and `logs/debug.log`, where the guide and most people look, link to the files of the instance
 * started last (`logs/<instance>/…`): one server on a host reads as one folder, several keep their own files.
 */
function linkCurrentLogs(root: string, instance: string, debug: boolean): void {
  // debug.log exists only at LOG_LEVEL=debug: no link that points nowhere.
  for (const name of debug ? ['backend.log', 'debug.log'] : ['backend.log']) {
    const link = path.join(root, name);
    try {
      if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(link);
      symlinkSync(path.join(instance, name), link);
    } catch {
      // A real file of that name (written by an older version) or a file system without links: leave it be.
    }
  }
}

/**
 * Loads and serves the app on `early`'s port when given (opened before anything was loaded), else on a port of its
 * own once everything is ready.
 */
export async function startServer(config: AppConfig, early?: EarlyListener): Promise<void> {
  // Each instance logs in a folder of its own, so two processes on one host never write the same file.
  const logsRoot = process.env.LOGS_DIR || 'logs';
  const logger = await createLogger({ logsDir: path.join(logsRoot, config.instance) });
  linkCurrentLogs(logsRoot, config.instance, logger.isLevelEnabled('debug'));
  const pidFile = resolvePidFile(process.env, config.databasePath, config.instance);
  // Refuses AUTH=off on a non-loopback host before anything is opened.
  const securityConfig = readSecurityConfig(process.env, config.host);
  const store = await openChatStore({
    url: config.databaseUrl,
    path: config.databasePath,
    // Slow statements (SQL text and milliseconds, never parameters) go to the debug log.
    onSlowStatement: logger.isLevelEnabled('debug')
      ? (sql, ms) => logger.debug({ sql, ms }, 'slow SQL statement')
      : undefined,
    slowStatementMs: config.slowSqlMs,
    // PostgreSQL: the first searches after start do not pay new connections' first plans.
    warmSearch: true,
  });
  // Several API processes behind one proxy must count against the same limits: keep the counters in Redis.
  // ioredis is loaded only when configured: a single process never pays for it at startup.
  const shared = config.redisUrl
    ? await (await import('../shared-state/index.js')).createRedisRateLimitStore(config.redisUrl, {
        keyPrefix: config.redisKeyPrefix,
        onStateChange: ({ ok, error }) =>
          ok
            ? logger.info('Redis answers again: rate limits are shared across processes')
            : logger.warn({ error }, 'Redis is not available: each process counts rate limits alone until it is back'),
      })
    : undefined;
  const auth = createAuthService(store);
  if (securityConfig.authMode === 'off') await auth.ensureLocalUser();
  const runtime = createLlmRuntime({ ...config.runtime, logger });
  // Loading a model can take minutes; the API (sessions, search, health) serves meanwhile.
  runtime.start().catch((err: unknown) => logger.error({ err }, 'model runtime failed to start'));

  const metrics = defaultMetrics();
  // Registering also recovers the replies a dead process left `partial` (a crash, a SIGKILL).
  const registry = await startProcessRegistry({
    store,
    instance: config.instance,
    port: config.port,
    pidFile,
    log: logger,
    onInterrupted: (n) => metrics.countInterrupted(n),
  });
  // Store and model calls count towards each request's Server-Timing (db, gen, queue), in routes and chat turns alike.
  const timed = { store: timedStore(store), runtime: timedRuntime(runtime) };
  const turns = createChatTurns({ ...timed, config, metrics, logger, processId: registry.processId });
  // Search by meaning: messages of users who opted in are embedded in the background, never during a reply.
  const embedder = createBackgroundEmbedder({ store, runtime, logger });
  embedder.start();
  // Chunks of large attachments: embedded for every user (attaching the file asks for it), resumed after a restart.
  const chunkEmbedder = createChunkEmbedder({ store, runtime, logger });
  chunkEmbedder.start();
  // Large files whose chunks a crash cut short are chunked again from their bytes (not retrieved until then).
  resumeChunking({
    store: store.attachments,
    documents: defaultDocuments,
    countTokens: (text) => runtime.countTokens(text),
    contextSize: () => runtime.contextSize(),
    onError: (id, err) => logger.error({ err, id }, 'an unfinished attachment could not be chunked again'),
  })
    .then((n) => {
      if (n === 0) return;
      logger.info(`${n} attachment(s) cut short by a restart were chunked again`);
      chunkEmbedder.nudge();
    })
    .catch((err: unknown) => logger.error({ err }, 'unfinished attachments could not be listed'));
  const app = createApp({
    ...timed,
    config,
    turns,
    logger,
    metrics,
    security: { config: securityConfig, auth },
    rateLimitStore: shared?.store,
    sharedState: shared,
    embedder,
    chunkEmbedder,
  });
  const listening = (port: number) => {
    // `pnpm stop` finds the server through this file; it is removed again on exit.
    writePidFile(pidFile);
    logger.info(
      `Chat Studio listening on http://${config.host}:${port} (instance ${config.instance}, auth ${securityConfig.authMode}, database ${store.path}${shared ? ', shared rate limits in Redis' : ''}, models ${config.modelsDir})`,
    );
  };
  let server: EarlyListener['server'];
  if (early) {
    early.attach(getRequestListener(app.fetch));
    server = early.server;
    listening(await early.listening);
  } else {
    server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) =>
      listening(info.port),
    ) as EarlyListener['server'];
  }

  // The modules are loaded: from here V8 sizes its young generation for the requests' garbage.
  restoreYoungGeneration();

  // Ollama's API on its own port, through the same app: same accounts, limits and stored sessions.
  const ollamaServer = config.ollamaPort
    ? serve({ fetch: ollamaFetch(app.fetch), hostname: config.host, port: config.ollamaPort }, (info) =>
        logger.info(`Ollama-compatible API listening on http://${config.host}:${info.port}`),
      )
    : undefined;
  ollamaServer?.on('error', (err: unknown) => {
    logger.error({ err }, `OLLAMA_PORT ${config.ollamaPort} could not be opened`);
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      logger.flush();
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close();
    ollamaServer?.close();
    // Aborting generation lets each stream store its partial reply before the database closes.
    await turns.abortAll();
    await embedder.stop();
    await chunkEmbedder.stop();
    await runtime.close().catch((err: unknown) => logger.error({ err }, 'model runtime failed to close'));
    if ('closeAllConnections' in server) server.closeAllConnections();
    if (ollamaServer && 'closeAllConnections' in ollamaServer) ollamaServer.closeAllConnections();
    await registry.stop();
    await store.close();
    await shared?.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
