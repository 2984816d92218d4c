/** The Hono app factory: security, observability and every route, with errors mapped in one place. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { settleRequestBody } from '../middleware/settle-body/index.js';
import { except } from 'hono/combine';
import { errorEnvelope } from '@chat-studio/protocol';
import {
  LOCAL_USER,
  authenticate,
  corsAllowlist,
  createAuthService,
  csrfProtection,
  rateLimits,
  readSecurityConfig,
  requireAuth,
  secureHeaders,
  type Principal,
} from '@chat-studio/security';
import type { AppDeps, AppEnv, AppSecurity } from './app-env.js';
import { ApiError, errorResponse, onError } from '../errors/index.js';
import { requestId } from '../middleware/request-id/index.js';
import { healthRoutes } from '../routes/health/index.js';
import { sessionRoutes } from '../routes/sessions/index.js';
import { messageRoutes } from '../routes/messages/index.js';
import { searchRoutes } from '../routes/search/index.js';
import { llmRoutes } from '../routes/llm/index.js';
import { chatRoutes } from '../routes/chat/index.js';
import { authRoutes } from '../routes/auth/index.js';
import { openAiRoutes } from '../routes/openai/index.js';
import { webRoutes } from '../routes/web/index.js';
import { createChatTurns } from '../chat-service/index.js';
import { countRateLimited, defaultMetrics, metricsMiddleware, metricsRoute, requestLogger, serverTiming } from '../observability/index.js';

/** The built-in user every request acts as when authentication is off. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({ userId: LOCAL_USER.id, username: LOCAL_USER.username, via: 'local' });

/** Routes that answer without a login: health checks and the login itself. */
const PUBLIC_API_PATHS = ['/api/health', '/api/auth/login'];

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
  const deps: AppDeps = { ...appDeps, metrics };
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
  app.use(secureHeaders());
  app.use('/api/*', serverTiming());
  const limitBody = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: async (c) => {
      await settleRequestBody(c);
      throw new ApiError('payload_too_large', `Request body is larger than ${deps.config.maxBodyBytes} bytes`);
    },
  });
  // With AUTH=on, /metrics wants a key like the API; with AUTH=off the server is on loopback anyway.
  app.use('/metrics', authenticate({ auth, mode: sec.authMode, localUser: LOCAL_USER }), requireAuth());
  for (const prefix of ['/api/*', '/v1/*']) {
    app.use(prefix, corsAllowlist({ origins: sec.corsOrigins }));
    app.use(prefix, csrfProtection({ allowedOrigins: sec.corsOrigins, trustProxy: sec.trustProxy }));
    app.use(prefix, limitBody);
    app.use(prefix, authenticate({ auth, mode: sec.authMode, localUser: LOCAL_USER }));
    app.use(prefix, limits.api);
  }
  app.use('/api/*', except(PUBLIC_API_PATHS, requireAuth()));
  app.use('/v1/*', requireAuth());
  app.post('/api/auth/login', limits.login);
  for (const path of ['/api/chat/send', '/api/chat/stream', '/v1/chat/completions']) app.post(path, limits.chat);

  const health = healthRoutes(deps);
  app.route('/health', health);
  app.route('/api/health', health);
  app.route('/api/auth', authRoutes(security));
  app.route('/api/chat/sessions', sessionRoutes(deps));
  app.route('/api/chat/sessions', messageRoutes(deps));
  app.route('/api/chat/search', searchRoutes(deps));
  app.route('/api/chat', chatRoutes(deps, turns));
  app.route('/api/llm', llmRoutes(deps));
  app.route('/v1', openAiRoutes(deps, turns));
  app.all('/api/*', () => {
    throw new ApiError('not_found', 'No such API route');
  });
  app.all('/v1/*', () => {
    throw new ApiError('not_found', 'No such API route');
  });
  app.route('/metrics', metricsRoute(deps, metrics));
  app.route('/', webRoutes(deps.config.webDist));

  app.notFound((c) => c.json(errorEnvelope('not_found', 'Not found'), 404));
  app.onError((err, c) => onError(err, c, deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
