import { Hono } from 'hono';
import { errorEnvelope } from '@chat-studio/protocol';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv, Principal } from './app-env.js';
import { ApiError, onError } from '../errors/index.js';
import { requestId } from '../middleware/request-id/index.js';
import { healthRoutes } from '../routes/health/index.js';
import { sessionRoutes } from '../routes/sessions/index.js';
import { messageRoutes } from '../routes/messages/index.js';
import { searchRoutes } from '../routes/search/index.js';
import { llmRoutes } from '../routes/llm/index.js';
import { chatRoutes } from '../routes/chat/index.js';
import { webRoutes } from '../routes/web/index.js';
import { openAiRoutes } from '../routes/openai/index.js';
import { createChatTurns } from '../chat-service/index.js';

/** The built-in user every request acts as when authentication is off. */
export const LOCAL_PRINCIPAL: Principal = { userId: 'local', username: 'local', via: 'local' };

/**
 * Builds the Chat Studio Hono app from its dependencies; the server entry and the tests both use it.
 *
 * @example
 * const store = await openChatStore({ path: ':memory:' });
 * const app = createApp({ store, config: loadConfig({}) });
 * const res = await app.request('/health');
 */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const turns = deps.turns ?? createChatTurns(deps);

  app.use(requestId());
  const limitBody = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: () => {
      throw new ApiError('payload_too_large', `Request body is larger than ${deps.config.maxBodyBytes} bytes`);
    },
  });
  const actAsLocalUser = createMiddleware<AppEnv>(async (c, next) => {
    c.set('principal', LOCAL_PRINCIPAL);
    await next();
  });
  for (const prefix of ['/api/*', '/v1/*']) {
    app.use(prefix, limitBody);
    app.use(prefix, actAsLocalUser);
  }

  const health = healthRoutes(deps);
  app.route('/health', health);
  app.route('/api/health', health);
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
  app.route('/', webRoutes(deps.config.webDist));

  app.notFound((c) => c.json(errorEnvelope('not_found', 'Not found'), 404));
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
