/** Serving the built web app with the right cache headers. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../../app/app-env.js';

/**
 * Serves the built web app: hashed files under `/assets/` are immutable for a year, `index.html` is
 * never cached (so a new build is picked up at once), and unknown non-API paths fall back to it.
 */
export function webRoutes(webDist: string) {
  const app = new Hono<AppEnv>();
  const index = path.join(webDist, 'index.html');
  if (!existsSync(index)) {
    app.get('/', (c) =>
      c.text('Chat Studio API is running. The web app is not built: run `pnpm build`, then reload.', 200),
    );
    return app;
  }
  const root = path.relative(process.cwd(), webDist) || '.';
  app.use(
    '/assets/*',
    serveStatic({
      root,
      onFound: (_p, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  const noCache = serveStatic<AppEnv>({
    root,
    path: 'index.html',
    onFound: (_p, c) => {
      c.header('Cache-Control', 'no-cache');
    },
  });
  app.use('*', serveStatic({ root, onFound: (_p, c) => void c.header('Cache-Control', 'no-cache') }));
  app.get('*', noCache);
  return app;
}
