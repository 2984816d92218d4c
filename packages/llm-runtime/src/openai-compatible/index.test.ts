import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatUnavailableError } from '../errors/index.js';
import type { GenerateRequest } from '../provider/index.js';
import {
  createOpenAiCompatibleProvider,
  createUpstreamPool,
  streamChatCompletion,
  UpstreamRequestError,
  type AttemptOutcome,
} from './index.js';

/** What a fake upstream route does with a request: its parsed JSON body is passed in. */
type Handler = (response: ServerResponse, body: Record<string, unknown>) => unknown;

/** A local OpenAI-compatible fake: `/<route>/v1/...` is served by `routes[route]`. */
const routes = new Map<string, Handler>();
const bodies: Record<string, unknown>[] = [];
let server: Server;
let base = '';

function sse(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
}

function chunk(content: string, finish: string | null = null): string {
  return `data: ${JSON.stringify({ choices: [{ delta: { content }, finish_reason: finish }] })}\n\n`;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const part of request) text += String(part);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const [, route, , ...rest] = (request.url ?? '').split('/');
    const body = await readJson(request);
    if (rest.join('/') === 'chat/completions') bodies.push(body);
    const handler = routes.get(`${route}/${rest.join('/')}`);
    if (!handler) {
      response.writeHead(599).end();
      return;
    }
    await handler(response, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** One attempt against route `name`, collecting the tokens it passed on. */
async function attempt(name: string, request: Partial<GenerateRequest> = {}, signal = new AbortController().signal) {
  const tokens: string[] = [];
  const pool = createUpstreamPool({
    upstreams: [{ name, baseUrl: `${base}/${name}/v1`, apiKey: 'k' }],
    maxFailures: 3,
  });
  const outcome: AttemptOutcome = await streamChatCompletion({
    upstream: pool.all[0]!,
    model: 'm',
    request: { messages: [{ role: 'user', content: 'Hi' }], onToken: (piece) => tokens.push(piece), ...request },
    defaultMaxTokens: 64,
    signal,
    responseTimeoutMs: 10_000,
  });
  return { outcome, tokens };
}

describe('streamChatCompletion against a fake upstream', () => {
  it('reads content deltas split across writes, the finish reason and usage, and sends the request', async () => {
    routes.set('ok/chat/completions', async (response) => {
      sse(response);
      const first = chunk('Once');
      // One event cut in two writes, then two events in one write.
      response.write(first.slice(0, 10));
      await new Promise((resolve) => setTimeout(resolve, 20));
      response.write(first.slice(10));
      response.write(chunk(' upon') + chunk(' a time', 'length'));
      response.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } })}\n\n`);
      response.end('data: [DONE]\n\n');
    });
    const { outcome, tokens } = await attempt('ok', { params: { system_prompt: 'Be brief.', temperature: 0 } });
    expect(tokens).toEqual(['Once', ' upon', ' a time']);
    expect(outcome).toMatchObject({
      kind: 'finished',
      text: 'Once upon a time',
      finish: 'length',
      deltas: 3,
      usage: { prompt_tokens: 7, completion_tokens: 3 },
    });
    expect(bodies.at(-1)).toMatchObject({
      model: 'm',
      stream: true,
      max_tokens: 64,
      temperature: 0,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });

  it('classifies HTTP failures: 429 busy, 404 stale, 5xx the upstream, 400 the request', async () => {
    const cases = [
      [429, 'busy'],
      [404, 'stale'],
      [503, 'upstream'],
      [400, 'request'],
    ] as const;
    for (const [status, cause] of cases) {
      routes.set(`s${status}/chat/completions`, (response) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `refused with ${status}` } }));
      });
      const { outcome } = await attempt(`s${status}`);
      expect(outcome).toEqual({ kind: 'failed', cause, status, reason: `HTTP ${status}: refused with ${status}` });
    }
  });

  it('ends a stream broken after the first token with the text and the reason, before it as a failure', async () => {
    routes.set('cut/chat/completions', (response) => {
      sse(response);
      response.end(chunk('Once'));
    });
    const cut = await attempt('cut');
    expect(cut.outcome).toMatchObject({
      kind: 'finished',
      text: 'Once',
      finish: 'error',
      brokenBecause: 'the stream ended before the reply was finished',
    });
    routes.set('junk/chat/completions', (response) => {
      sse(response);
      response.end('data: {not json\n\n');
    });
    expect((await attempt('junk')).outcome).toEqual({
      kind: 'failed',
      cause: 'upstream',
      reason: 'the upstream sent a chunk that is not JSON',
    });
    routes.set('midway/chat/completions', (response) => {
      sse(response);
      response.end(`${chunk('A')}data: ${JSON.stringify({ error: { message: 'out of memory' } })}\n\n`);
    });
    expect((await attempt('midway')).outcome).toMatchObject({
      finish: 'error',
      brokenBecause: 'the upstream failed mid-stream: out of memory',
    });
  });

  it('stops at an abort: finish abort, no token after it', async () => {
    const abort = new AbortController();
    routes.set('slow/chat/completions', (response) => {
      sse(response);
      response.write(chunk('first'));
      // Never ends on its own: the abort closes the connection.
    });
    const tokens: string[] = [];
    const onToken = (piece: string) => {
      tokens.push(piece);
      abort.abort();
    };
    const running = attempt('slow', { onToken }, abort.signal);
    const { outcome } = await running;
    expect(outcome).toMatchObject({ kind: 'finished', finish: 'abort', text: 'first' });
    expect(tokens).toEqual(['first']);
  });
});

describe('createOpenAiCompatibleProvider against fake upstreams', () => {
  function modelsRoute(name: string, ids: string[]): void {
    routes.set(`${name}/models`, (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: ids.map((id) => ({ id })) }));
    });
  }

  it('lists the healthy upstreams models, retries on the next upstream and says who served', async () => {
    modelsRoute('p1', ['m']);
    modelsRoute('p2', ['m']);
    routes.set('p1/chat/completions', (response) => response.writeHead(500).end('overloaded'));
    routes.set('p2/chat/completions', (response) => {
      sse(response);
      response.end(`${chunk('Hello', 'stop')}data: [DONE]\n\n`);
    });
    const provider = createOpenAiCompatibleProvider({
      upstreams: [
        { name: 'pool', baseUrl: `${base}/p1/v1` },
        { name: 'pool', baseUrl: `${base}/p2/v1` },
      ],
      checkIntervalMs: 60_000,
    });
    try {
      await provider.refresh();
      expect((await provider.listModels()).map((model) => [model.id, model.status])).toEqual([['pool/m', 'available']]);
      expect(provider.status().state).toBe('no_model');
      await provider.load('pool/m');
      expect(provider.status()).toMatchObject({ state: 'ready', sequences_total: 8 });
      // Least outstanding, ties in turn: whichever goes first, the reply comes from p2.
      const first = await provider.generate({ messages: [{ role: 'user', content: 'Hi' }] });
      const second = await provider.generate({ messages: [{ role: 'user', content: 'Hi' }] });
      for (const result of [first, second]) {
        expect(result).toMatchObject({ text: 'Hello', stats: { finish_reason: 'stop' } });
        expect(result.servedBy).toMatch(/^pool@127\.0\.0\.1:\d+#2$/);
      }
    } finally {
      await provider.close();
    }
  });

  it('refuses a bad request at once and says why when no upstream is left', async () => {
    modelsRoute('r1', ['m']);
    routes.set('r1/chat/completions', (response) => response.writeHead(400).end('{"error":"bad max_tokens"}'));
    const provider = createOpenAiCompatibleProvider({ upstreams: [{ name: 'r', baseUrl: `${base}/r1/v1` }] });
    try {
      await provider.refresh();
      await provider.load('r/m');
      const refused = provider.generate({ messages: [{ role: 'user', content: 'Hi' }] });
      await expect(refused).rejects.toBeInstanceOf(UpstreamRequestError);
      routes.set('r1/chat/completions', (response) => response.writeHead(429).end('slow down'));
      await expect(provider.generate({ messages: [{ role: 'user', content: 'Hi' }] })).rejects.toThrow(
        ChatUnavailableError,
      );
      await expect(provider.generate({ messages: [{ role: 'user', content: 'Hi' }] })).rejects.toThrow(/is busy/);
    } finally {
      await provider.close();
    }
  });
});
