/**
 * A small HTTPS client for talking to nginx the way a browser would: a trusted self-signed CA, a chosen source address
 * on loopback (so nginx sees different clients), and SSE bodies read chunk by chunk with arrival times.
 */
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import type { StreamEvent } from '@chat-studio/protocol';
import { REPO_ROOT } from '../scale/services.js';

// The protocol client's own SSE parser, borrowed from there rather than depending on it twice.
const { createParser } = createRequire(path.join(REPO_ROOT, 'packages/protocol/package.json'))(
  'eventsource-parser',
) as {
  createParser(callbacks: { onEvent(event: { event?: string; data: string }): void }): { feed(text: string): void };
};

export interface HttpsRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Source address of the connection, e.g. `127.0.0.5`. Defaults to the client's. */
  from?: string;
}

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = unknown>(): T;
}

/** One network read of an SSE body: when it arrived and the events it completed. */
export interface StreamChunk {
  at: number;
  bytes: number;
  events: StreamEvent[];
}

export interface HttpsClient {
  /** `https://127.0.0.1:<port>`: what a browser on this address sends as `Origin`. */
  origin: string;
  request(req: HttpsRequest): Promise<HttpsResponse>;
  /** POSTs `req.body` and collects the SSE reply one network read at a time. */
  stream(
    req: HttpsRequest,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; startedAt: number; chunks: StreamChunk[] }>;
}

/** A client for `https://127.0.0.1:<port>` that trusts `ca`, connecting from `from` unless a request says otherwise. */
export function createHttpsClient(port: number, ca: string, from?: string): HttpsClient {
  const open = (req: HttpsRequest) => {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { ...req.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // A fresh connection per request (agent: false): each one is a separate client to nginx, from `from`.
    const r = https.request({
      host: '127.0.0.1',
      port,
      method: req.method ?? 'GET',
      path: req.path,
      headers,
      ca,
      agent: false,
      localAddress: req.from ?? from,
    });
    r.end(body);
    return r;
  };
  return {
    origin: `https://127.0.0.1:${port}`,
    request: (req) =>
      new Promise((resolve, reject) => {
        const r = open(req);
        r.once('error', reject);
        r.once('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.once('error', reject);
          res.once('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, text, json: <T>() => JSON.parse(text) as T }),
          );
        });
      }),
    stream: (req) =>
      new Promise((resolve, reject) => {
        const startedAt = performance.now();
        const r = open({ ...req, method: 'POST', headers: { accept: 'text/event-stream', ...req.headers } });
        r.once('error', reject);
        r.once('response', (res) => {
          const chunks: StreamChunk[] = [];
          let pending: StreamEvent[] = [];
          const parser = createParser({ onEvent: (e) => pending.push(JSON.parse(e.data) as StreamEvent) });
          const decoder = new TextDecoder();
          const gzip = res.headers['content-encoding'] === 'gzip';
          const received: Buffer[] = [];
          let decoded = 0;
          res.on('data', (d: Buffer) => {
            const at = performance.now();
            let text = d;
            if (gzip) {
              // Whatever nginx flushed so far decodes on its own: inflate the prefix, keep the part not seen yet.
              received.push(d);
              const all = zlib.gunzipSync(Buffer.concat(received), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
              text = all.subarray(decoded);
              decoded = all.length;
            }
            parser.feed(decoder.decode(text, { stream: true }));
            chunks.push({ at, bytes: d.length, events: pending });
            pending = [];
          });
          res.once('error', reject);
          res.once('end', () => resolve({ status: res.statusCode!, headers: res.headers, startedAt, chunks }));
        });
      }),
  };
}
