import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { earlyListener } from './early-listener.js';

describe('earlyListener', () => {
  it('answers health while starting, holds other requests, then serves them through the app in order', async () => {
    const early = earlyListener({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${await early.listening}`;
    try {
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'down', starting: true });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);

      // Sent before the app exists: it waits, body and all.
      const waiting = fetch(`${base}/api/echo`, { method: 'POST', body: 'hello' });
      const second = fetch(`${base}/api/second`);
      await new Promise((r) => setTimeout(r, 100));
      const seen: string[] = [];
      early.attach((req, res) => {
        seen.push(req.url ?? '');
        let body = '';
        req.on('data', (d: Buffer) => {
          body += d.toString();
        });
        req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
      });
      expect(await (await waiting).text()).toBe('POST /api/echo hello');
      expect(await (await second).text()).toBe('GET /api/second ');
      expect(seen).toEqual(['/api/echo', '/api/second']);
      // Once attached, health is the app's own.
      expect(await (await fetch(`${base}/health`)).text()).toBe('GET /health ');
    } finally {
      early.server.closeAllConnections();
      await new Promise((r) => early.server.close(r));
    }
  });

  it('reports a port in use to onError instead of crashing', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const error = await new Promise<NodeJS.ErrnoException>((resolve) =>
        earlyListener({ host: '127.0.0.1', port, onError: resolve }),
      );
      expect(error.code).toBe('EADDRINUSE');
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
