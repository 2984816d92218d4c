/** The port opened before the app is loaded: health answers at once, other requests wait for the app. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** What {@link earlyListener} returns. */
export interface EarlyListener {
  /** The HTTP server; it serves the app once {@link EarlyListener.attach} is called. */
  server: Server;
  /** Resolves once the port is open, with the port (the real one when `port` was 0). */
  listening: Promise<number>;
  /** Hands every request, the waiting ones first, to the app's listener. */
  attach(listener: Listener): void;
}

/** Options for {@link earlyListener}. */
export interface EarlyListenerOptions {
  host: string;
  port: number;
  /** Called when the port cannot be opened (in use, not allowed); the default throws. */
  onError?: (error: NodeJS.ErrnoException) => void;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
};

/**
 * Opens the port before the store, the model runtime and the routes are loaded (issue #18: a supervisor sees the
 * server within milliseconds of spawn, as llama-server's). Until the app is attached, `/health` answers 503 with the
 * reason (it would fail requests: health never lies), `/health/live` 200, and every other request waits and is
 * served in order once the app is there, so a client that connects early gets its answer, only later.
 *
 * @example
 * const early = earlyListener({ host: '127.0.0.1', port: 5000 });
 * const app = await loadApp();
 * early.attach(getRequestListener(app.fetch));
 */
export function earlyListener(options: EarlyListenerOptions): EarlyListener {
  const waiting: [IncomingMessage, ServerResponse][] = [];
  const startedAt = Date.now();
  let app: Listener | undefined;
  const server = createServer((req, res) => {
    if (app) return void app(req, res);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health/live' || path === '/api/health/live')
      return json(res, 200, { status: 'ok', uptime_s: Math.round((Date.now() - startedAt) / 1000), starting: true });
    if (path === '/health' || path === '/health/' || path === '/api/health')
      return json(res, 503, {
        status: 'down',
        reason: 'The server is starting: the database and the routes are not loaded yet',
        starting: true,
      });
    waiting.push([req, res]);
  });
  const listening = new Promise<number>((resolve) => {
    server.once('listening', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (!options.onError) throw error;
    options.onError(error);
  });
  server.listen(options.port, options.host);
  return {
    server,
    listening,
    attach(listener) {
      app = listener;
      for (const [req, res] of waiting.splice(0)) void listener(req, res);
    },
  };
}
