/** The Hono app factory: security, observability and every route, with errors mapped in one place. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { settleRequestBody } from '../middleware/settle-body/index.js';
import { createMiddleware } from 'hono/factory';
import { errorEnvelope } from '@chat-studio/protocol';
import {
  LOCAL_USER,
  authenticate,
  corsAllowlist,
  createAuthService,
  csrfProtection,
  hostCheck,
  rateLimits,
  readSecurityConfig,
  requireAdmin,
  requireAuth,
  setLegacyRateLimitHeaders,
  type Principal,
} from '@chat-studio/security';
import type { AppDeps, AppEnv, AppSecurity } from './app-env.js';
import { ApiError, errorResponse, onError } from '../errors/index.js';
import { requestId } from '../middleware/request-id/index.js';
import { fastSecureHeaders } from '../middleware/node-headers/index.js';
import { unlessPath } from '../middleware/unless-path/index.js';
import { healthRoutes } from '../routes/health/index.js';
import { sessionRoutes } from '../routes/sessions/index.js';
import { messageRoutes } from '../routes/messages/index.js';
import { branchRoutes } from '../routes/branches/index.js';
import { searchRoutes } from '../routes/search/index.js';
import { llmRoutes } from '../routes/llm/index.js';
import { chatRoutes } from '../routes/chat/index.js';
import { authRoutes } from '../routes/auth/index.js';
import { openAiRoutes } from '../routes/openai/index.js';
import { embeddingRoutes } from '../routes/openai/embeddings/index.js';
import { completionRoutes } from '../routes/openai/completions/index.js';
import { responseRoutes } from '../routes/openai/responses/index.js';
import { ollamaRoutes } from '../routes/ollama/index.js';
import { OLLAMA_PREFIX, viaOllamaListener } from '../routes/ollama/listener.js';
import { webRoutes } from '../routes/web/index.js';
import { IMPORT_PATH, transferRoutes } from '../routes/transfer/index.js';
import { limitsRoutes } from '../routes/limits/index.js';
import { ATTACHMENTS_PATH, attachmentRoutes } from '../routes/attachments/index.js';
import { defaultDocuments, withIndexing } from '../attachments/index.js';
import { createChatTurns } from '../chat-service/index.js';
import {
  countRateLimited,
  defaultMetrics,
  metricsMiddleware,
  metricsRoute,
  requestLogger,
  serverTiming,
  timedRuntime,
  timedStore,
} from '../observability/index.js';

/** The built-in user every request acts as when authentication is off. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  userId: LOCAL_USER.id,
  username: LOCAL_USER.username,
  via: 'local',
  role: 'admin',
});

/**
 * The end user a front acts for, sent with its service key when this server is its upstream: logged here, trusted
 * from nothing but a service key, and never an identity for ownership or limits (the key's own user owns the data).
 */
export const ON_BEHALF_OF_HEADER = 'x-chat-studio-on-behalf-of';

/** Routes that answer without a login: health checks and the login itself. */
const PUBLIC_API_PATHS = ['/api/health', '/api/health/live', '/api/auth/login'];

/**
 * `GET` routes that add their own store time to `Server-Timing` (timeDb on the context), so they run without the
 * AsyncLocalStorage that finds the request for every other route (issue #18: its promise hooks slow every promise).
 */
const SELF_TIMED_ROUTES = new Set(['/api/chat/sessions', '/api/health', '/api/health/live']);

/** Routes that generate, counted against the chat limit. */
const CHAT_PATHS = ['/api/chat/send', '/api/chat/stream', '/v1/chat/completions'];

/** AUTH off on loopback with the default limits: what a plain `createApp({ store, config })` gets. */
export function defaultSecurity(deps: Pick<AppDeps, 'store' | 'config'>): AppSecurity {
  return { config: readSecurityConfig({}, deps.config.host), auth: createAuthService(deps.store) };
}

/**
 * Builds the Chat Studio Hono app from its dependencies; the server entry and the tests both use it.
 *
 * @example
 * const store = await openChatStore({ path: ':memory:' });
 * const app = createApp({ store, config: loadConfig({}) });
 * const res = await app.request('/health');
 */
export function createApp(appDeps: AppDeps) {
  const app = new Hono<AppEnv>();
  const metrics = appDeps.metrics ?? defaultMetrics();
  const deps: AppDeps = {
    ...appDeps,
    metrics,
    // Store and model calls count towards the request's Server-Timing (db, gen, queue).
    store: timedStore(appDeps.store),
    runtime: appDeps.runtime && timedRuntime(appDeps.runtime),
  };
  const turns = deps.turns ?? createChatTurns(deps);
  const security = deps.security ?? defaultSecurity(deps);
  const { config: sec, auth } = security;
  const limits = rateLimits({
    ...sec.rates,
    trustProxy: sec.trustProxy,
    store: deps.rateLimitStore,
    respond: async (c, limited) => {
      countRateLimited(metrics);
      // Refused before the body was read: discard it first, so a keep-alive client reads this answer.
      await settleRequestBody(c);
      return errorResponse(c, {
        status: 429,
        code: 'rate_limited',
        message: limited.message,
        details: { retry_after_seconds: limited.retryAfterSeconds },
        headers: {},
      });
    },
  });

  app.use(requestId());
  app.use(metricsMiddleware(metrics));
  if (deps.logger) app.use(requestLogger(deps.logger));
  // Before any route: a page on another name that rebinds to this address must not reach the local user's chats.
  if (sec.checkHost) app.use(hostCheck({ allowedHosts: sec.allowedHosts }));
  // The security package's headers, written onto Node's response without a fetch Headers object (issue #18).
  app.use(fastSecureHeaders());
  app.use('/api/*', serverTiming({ selfTimed: (c) => c.req.method === 'GET' && SELF_TIMED_ROUTES.has(c.req.path) }));
  const bodyLimited = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: async (c) => {
      await settleRequestBody(c);
      throw new ApiError('payload_too_large', `Request body is larger than ${deps.config.maxBodyBytes} bytes`);
    },
  });
  // GET and HEAD carry no body to limit; asking for one builds a full Request per read (~5% of a list request).
  const limitBody = createMiddleware<AppEnv>((c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : bodyLimited(c, next),
  );
  // With AUTH=on, /metrics wants a key like the API; with AUTH=off the server is on loopback anyway.
  app.use('/metrics', authenticate({ auth, mode: sec.authMode, localUser: LOCAL_USER }), requireAdmin());
  // The Ollama API answers only on the OLLAMA_PORT listener; on the main port its paths do not exist.
  app.use(`${OLLAMA_PREFIX}/*`, async (c, next) => {
    if (!viaOllamaListener(c.env)) throw new ApiError('not_found', 'Not found');
    await next();
  });
  for (const prefix of ['/api/*', '/v1/*', `${OLLAMA_PREFIX}/*`]) {
    app.use(prefix, corsAllowlist({ origins: sec.corsOrigins }));
    app.use(prefix, csrfProtection({ allowedOrigins: sec.corsOrigins, trustProxy: sec.trustProxy }));
    // An import is a file of up to IMPORT_MAX_BYTES, spooled to disk by its route; an attachment has its own limit.
    app.use(prefix, unlessPath([IMPORT_PATH, ATTACHMENTS_PATH], limitBody));
    app.use(prefix, authenticate({ auth, mode: sec.authMode, localUser: LOCAL_USER }));
    app.use(prefix, serviceIdentity(metrics));
    app.use(prefix, limits.api);
  }
  app.use('/api/*', unlessPath(PUBLIC_API_PATHS, requireAuth()));
  app.use('/v1/*', requireAuth());
  // Ollama clients probe `/` to see that the server runs, as health checks do here.
  app.use(`${OLLAMA_PREFIX}/*`, unlessPath([OLLAMA_PREFIX, `${OLLAMA_PREFIX}/`], requireAuth()));
  app.post('/api/auth/login', limits.login);
  for (const path of CHAT_PATHS) app.post(path, limits.chat);
  // `curl -I …/api/chat/send` is the guide's rate-limit check: answer it with the chat bucket, not a 404.
  for (const path of CHAT_PATHS) {
    app.on(['GET', 'HEAD'], path, async (c) => {
      const state = await limits.peek('chat', c);
      const headers: Record<string, string> = { Allow: 'POST' };
      if (state) {
        headers.RateLimit = `limit=${state.limit}, remaining=${state.remaining}, reset=${state.resetSeconds}`;
        setLegacyRateLimitHeaders(c, state);
      }
      throw new ApiError(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${c.req.path}: use POST`,
        undefined,
        headers,
      );
    });
  }
  // Every route that runs the model counts against the chat limit.
  for (const path of ['/v1/embeddings', '/v1/completions', '/v1/responses']) app.post(path, limits.chat);
  for (const path of ['chat', 'generate', 'embed', 'embeddings']) app.post(`${OLLAMA_PREFIX}/api/${path}`, limits.chat);
  app.post('/api/llm/active-model', requireAdmin());

  const health = healthRoutes(deps);
  app.route('/health', health);
  app.route('/api/health', health);
  app.route('/api/auth', authRoutes(security));
  app.route('/api/chat/sessions', sessionRoutes(deps));
  app.route('/api/chat/sessions', messageRoutes(deps));
  app.route('/api/chat/sessions', branchRoutes(deps, turns));
  app.route('/api/chat/search', searchRoutes(deps));
  app.route('/api/chat', transferRoutes(deps));
  app.route('/api/chat', chatRoutes(deps, turns));
  app.route('/api/llm', llmRoutes(deps));
  app.route('/api/limits', limitsRoutes(deps));
  app.route(
    ATTACHMENTS_PATH,
    attachmentRoutes({
      store: deps.store,
      // A large file's chunks are embedded at once after upload (hybrid retrieval).
      attachments: withIndexing(deps.store.attachments, deps.chunkEmbedder),
      documents: deps.documents ?? defaultDocuments,
      config: deps.config.attachments,
      countTokens: (text) => deps.runtime?.countTokens(text) ?? null,
      contextSize: () => deps.runtime?.contextSize() ?? null,
    }),
  );
  app.route('/v1', openAiRoutes(deps, turns));
  app.route('/v1', embeddingRoutes(deps, turns));
  app.route('/v1', completionRoutes(deps, turns));
  app.route('/v1', responseRoutes(deps, turns));
  app.route(OLLAMA_PREFIX, ollamaRoutes(deps, turns));
  app.all(`${OLLAMA_PREFIX}/*`, () => {
    throw new ApiError('not_found', 'Not found');
  });
  app.all('/api/*', () => {
    throw new ApiError('not_found', 'No such API route');
  });
  app.all('/v1/*', () => {
    throw new ApiError('not_found', 'No such API route');
  });
  app.route('/metrics', metricsRoute(deps, metrics));
  app.route('/', webRoutes(deps.config.webDist));

  app.notFound((c) => c.json(errorEnvelope('not_found', 'Not found'), 404));
  app.onError((err, c) => onError(err, c, deps.logger, (code) => metrics.countStorageError(code)));
  return app;
}

/**
 * Counts service-key requests in `/metrics` (rate limits skip them) and reads the end user a front forwards in
 * `X-Chat-Studio-On-Behalf-Of` into `c.var.onBehalfOf` for the request log; the header is ignored from anyone else.
 */
function serviceIdentity(metrics: ReturnType<typeof defaultMetrics>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get('principal') as Principal | undefined;
    if (principal?.service) {
      metrics.countServiceRequest();
      const user = c.req.header(ON_BEHALF_OF_HEADER)?.trim();
      if (user) c.set('onBehalfOf', user.slice(0, 200));
    }
    return next();
  });
}

export type App = ReturnType<typeof createApp>;
