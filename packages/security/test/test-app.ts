/** Test support: a small real Hono app wired the way the API wires this package. */
import { Hono } from 'hono';
import { errorEnvelope, statusForErrorCode, type ErrorCode } from '@chat-studio/protocol';
import {
  authenticate,
  clearSessionCookie,
  corsAllowlist,
  csrfProtection,
  getPrincipal,
  rateLimits,
  readSessionCookie,
  requireAuth,
  secureHeaders,
  setSessionCookie,
  type AuthMode,
  type AuthService,
  type RateLimitsOptions,
  type SecurityEnv,
} from '../src/index.js';

export interface TestAppOptions {
  auth: AuthService;
  mode: AuthMode;
  rates?: RateLimitsOptions;
  corsOrigins?: string[];
}

export function createTestApp({ auth, mode, rates, corsOrigins }: TestAppOptions) {
  const app = new Hono<SecurityEnv>();
  // Like apps/api: one place maps named errors to the protocol envelope.
  app.onError((err, c) => {
    const code = ((err as { code?: ErrorCode }).code ?? 'internal_error') as ErrorCode;
    return c.json(errorEnvelope(code, err.message), statusForErrorCode(code) as 401);
  });
  const limits = rateLimits(rates);
  app.use('*', secureHeaders());
  app.use('/api/*', corsAllowlist({ origins: corsOrigins }));
  app.use('/api/*', csrfProtection({ allowedOrigins: corsOrigins }));
  app.use('/api/*', authenticate({ auth, mode }));
  app.use('/api/*', limits.api);
  app.post('/api/auth/login', limits.login, async (c) => {
    const { username, password } = await c.req.json<{ username: string; password: string }>();
    const { token, user } = await auth.login(username, password);
    setSessionCookie(c, token, auth.sessionTtlMs);
    return c.json({ user });
  });
  app.post('/api/auth/logout', async (c) => {
    const token = readSessionCookie(c);
    if (token) await auth.logout(token);
    clearSessionCookie(c);
    return c.body(null, 204);
  });
  app.get('/api/health', (c) => c.json({ ok: true }));
  app.get('/api/me', requireAuth(), (c) => c.json(getPrincipal(c)));
  app.post('/api/things', requireAuth(), (c) => c.json({ by: getPrincipal(c).username }));
  app.post('/api/chat', requireAuth(), limits.chat, (c) => c.json({ by: getPrincipal(c).username }));
  return app;
}

/** The `name=value` part of a Set-Cookie header, for sending back. */
export function cookieFrom(res: Response): string {
  const header = res.headers.get('set-cookie');
  if (!header) throw new Error('no Set-Cookie header');
  return header.split(';')[0]!;
}

/** @hono/node-server's env shape, so the limiter sees a client address. */
export function fromIp(ip: string) {
  return { incoming: { socket: { remoteAddress: ip } } };
}
