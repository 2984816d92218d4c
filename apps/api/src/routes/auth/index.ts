/** Login, logout, the caller, and the caller's API keys. */
import { Hono } from 'hono';
import { CreateApiKeyRequestSchema, LoginRequestSchema, type MeResponse } from '@chat-studio/protocol';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '@chat-studio/security';
import type { AppEnv, AppSecurity } from '../../app/app-env.js';
import { jsonBody } from '../../middleware/validate/index.js';

/** `/api/auth`: login (sets the session cookie), logout, the caller, and the caller's API keys. */
export function authRoutes({ auth, config }: AppSecurity) {
  const cookie = { trustProxy: config.trustProxy };
  return new Hono<AppEnv>()
    .post('/login', async (c) => {
      const { username, password } = await jsonBody(c, LoginRequestSchema);
      const result = await auth.login(username, password);
      setSessionCookie(c, result.token, auth.sessionTtlMs, cookie);
      const body: MeResponse = { user: result.user, auth: 'cookie' };
      return c.json(body);
    })
    .post('/logout', async (c) => {
      const token = readSessionCookie(c);
      if (token) await auth.logout(token);
      clearSessionCookie(c, cookie);
      return c.body(null, 204);
    })
    .get('/me', async (c) => {
      const principal = c.var.principal;
      const body: MeResponse = { user: await auth.getUser(principal.username), auth: principal.via };
      return c.json(body);
    })
    .get('/keys', async (c) => c.json({ api_keys: await auth.listApiKeys(c.var.principal.userId) }))
    .post('/keys', async (c) => {
      const { name } = await jsonBody(c, CreateApiKeyRequestSchema);
      const created = await auth.createApiKey(c.var.principal.userId, name);
      c.header('Cache-Control', 'no-store');
      return c.json({ key: created.key, api_key: created.info }, 201);
    })
    .delete('/keys/:id', async (c) => {
      await auth.revokeApiKey(c.var.principal.userId, c.req.param('id'));
      return c.body(null, 204);
    });
}
