/** Where the server's post-listen code is loaded from: the build's bundle when there is one (issue #18: start-up). */
import { existsSync } from 'node:fs';

/**
 * The URL of `dist/bundle/start-server.js` (written by `pnpm build`: scripts/bundle-server.mjs bundles
 * start-server.js's ~800 modules into a few files, a third of their import cost), or undefined when it is not there:
 * from source, or after `pnpm dev` removed it so that tsc's watch output is what runs.
 *
 * @example
 * const bundle = bundledStartServer(import.meta.url);
 * const { startServer } = bundle ? await import(bundle.href) : await import('./startup/start-server.js');
 */
export function bundledStartServer(entryUrl: string): URL | undefined {
  const bundle = new URL('./bundle/start-server.js', entryUrl);
  return existsSync(bundle) ? bundle : undefined;
}
