/** Serving the built web app with the right cache headers and its build-time gzip/brotli copies. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../../app/app-env.js';

/** Hashed build output: the name changes with the content, so it may be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Unhashed files (favicon, icons, manifest): a day, then revalidated. */
const DAILY = 'public, max-age=86400';
/** index.html and the service worker: always revalidated, so a new build is picked up at once. */
const REVALIDATE = 'no-cache';

/** Files a browser must re-check every time (a stale copy would pin an old build). */
const ALWAYS_FRESH = new Set(['/', '/index.html', '/sw.js']);

/**
 * Every response that has compressed variants varies by Accept-Encoding, also when it is sent uncompressed, so
 * that a shared cache never hands a brotli body to a client that did not ask for it.
 */
function varyOnEncoding(c: Context): void {
  const vary = c.res.headers.get('Vary') ?? '';
  if (!/\baccept-encoding\b/i.test(vary)) c.header('Vary', 'Accept-Encoding', { append: true });
}

/**
 * Serves the built web app: hashed files under `/assets/` are immutable for a year, `index.html` and `sw.js` are
 * never cached (so a new build is picked up at once), other public files for a day; unknown non-API paths fall back
 * to `index.html`. Each file is sent as its `.br` or `.gz` copy (written by the web build) when the browser
 * accepts that encoding, with `Content-Encoding` and `Vary: Accept-Encoding`.
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
      precompressed: true,
      onFound: (_p, c) => {
        c.header('Cache-Control', IMMUTABLE);
        varyOnEncoding(c);
      },
    }),
  );
  const indexHtml = serveStatic<AppEnv>({
    root,
    path: 'index.html',
    precompressed: true,
    onFound: (_p, c) => {
      c.header('Cache-Control', REVALIDATE);
      varyOnEncoding(c);
    },
  });
  app.use(
    '*',
    serveStatic({
      root,
      precompressed: true,
      onFound: (_p, c) => {
        c.header('Cache-Control', ALWAYS_FRESH.has(c.req.path) ? REVALIDATE : DAILY);
        varyOnEncoding(c);
      },
    }),
  );
  app.get('*', indexHtml);
  return app;
}
