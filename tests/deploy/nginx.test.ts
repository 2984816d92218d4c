/** docs/deployment.md's team setup on loopback: PostgreSQL, Redis, two API processes and the guide's nginx example. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StreamEvent } from '@chat-studio/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScratchDatabase,
  REPO_ROOT,
  startApi,
  type ApiProcess,
  type ScratchDatabase,
  redisKeyPrefix,
} from '../scale/services.js';
import { createHttpsClient, type HttpsClient, type StreamChunk } from './https-client.js';
import { guideNginxExample, renderNginxConfig } from './nginx-config.js';
import { createCertificate, freePort, missingForDeployTest, startNginx, type NginxProcess } from './nginx-process.js';

const missing = missingForDeployTest();
const MODELS_DIR = process.env.TEST_MODELS_DIR ?? path.resolve(REPO_ROOT, '../shared/models');
const PASSWORD = 'correct horse battery staple';
const CHAT_LIMIT = 5;
const LOGIN_LIMIT = 3;
// A well-formed id (a ULID) that no session of the fresh database has.
const NO_SUCH_SESSION = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
// Long enough to stream for a while, short enough that a reply stays well under a second here.
const REPLY = { max_tokens: 300 };

/** A random loopback address: Redis keeps per-address counters for their window, across runs and suites. */
function loopbackAddress(): string {
  const byte = () => 2 + Math.floor(Math.random() * 250);
  return `127.${byte()}.${byte()}.${byte()}`;
}

/** Runs one of the guide's CLI commands (`pnpm users`, `pnpm keys`) the way those scripts do. */
function cli(script: 'users' | 'keys', args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  return execFileSync(process.execPath, [path.join(REPO_ROOT, `apps/api/dist/cli/${script}.js`), ...args], {
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** chat_studio_http_requests_total of one route, summed over methods and statuses, from one process's /metrics. */
async function requestCount(api: ApiProcess, key: string, route: string): Promise<number> {
  const res = await fetch(`${api.baseUrl}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  let sum = 0;
  for (const line of (await res.text()).split('\n')) {
    if (line.startsWith('chat_studio_http_requests_total{') && line.includes(`route="${route}"`))
      sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

interface Delivery {
  tokens: number;
  /** Network reads that carried at least one token. */
  tokenReads: number;
  /** Milliseconds from the first token's arrival to the `done` event's. */
  spreadMs: number;
  done: Extract<StreamEvent, { type: 'done' }> | undefined;
}

function delivery(chunks: StreamChunk[]): Delivery {
  const events = chunks.flatMap((c) => c.events.map((e) => ({ at: c.at, e })));
  const tokens = events.filter((x) => x.e.type === 'token');
  const done = events.find((x) => x.e.type === 'done');
  const error = events.find((x) => x.e.type === 'error');
  if (error) throw new Error(`stream error: ${JSON.stringify(error.e)}`);
  return {
    tokens: tokens.length,
    tokenReads: chunks.filter((c) => c.events.some((e) => e.type === 'token')).length,
    spreadMs: done && tokens[0] ? done.at - tokens[0].at : 0,
    done: done?.e as Delivery['done'],
  };
}

describe.skipIf(missing)("the deployment guide's team setup behind nginx", { timeout: 40_000 }, () => {
  let dir: string;
  let database: ScratchDatabase;
  let a: ApiProcess;
  let b: ApiProcess;
  let nginx: NginxProcess;
  let bobKey: string;
  let metricsKey: string;
  /** The guide's server block as written. */
  let guide: HttpsClient;
  /** `proxy_buffering on`: the guide says the API's X-Accel-Buffering header still keeps streams unbuffered. */
  let bufferingOn: HttpsClient;
  /** Buffering on and the header ignored: the control that shows the test can see buffering at all. */
  let buffered: HttpsClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'chat-deploy-'));
    database = await createScratchDatabase(process.env.DATABASE_URL_TEST!.trim());
    const shared = { DATABASE_URL: database.url, DATABASE_PATH: path.join(dir, 'unused.db') };
    // Accounts and keys as the guide makes them: `pnpm users add` / `pnpm keys create` with the same DATABASE_URL.
    cli('users', ['add', 'alice', '--password-stdin'], shared, `${PASSWORD}\n`);
    cli('users', ['add', 'bob', '--password-stdin'], shared, `${PASSWORD}\n`);
    bobKey = cli('keys', ['create', 'bob'], shared).trim();
    // /metrics is for administrators: alice, the first account, is one.
    metricsKey = cli('keys', ['create', 'alice', '--name', 'metrics'], shared).trim();
    expect(bobKey).toMatch(/^\S{20,}$/);

    // The guide's environment for each API process.
    const env = {
      ...shared,
      AUTH: 'on',
      TRUST_PROXY: '1',
      REDIS_URL: process.env.REDIS_URL_TEST!.trim(),
      REDIS_KEY_PREFIX: redisKeyPrefix,
      HOST: '127.0.0.1',
      MODELS_DIR,
      LLAMA_THREADS: '1',
      RATE_LIMIT_CHAT: `${CHAT_LIMIT}/minute`,
      RATE_LIMIT_LOGIN: `${LOGIN_LIMIT}/minute`,
    };
    // One after the other: both migrate the same empty database.
    a = await startApi(env);
    b = await startApi(env);

    const cert = createCertificate(dir);
    const ca = readFileSync(cert.certificate, 'utf8');
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const tls = { certificate: cert.certificate, certificateKey: cert.key };
    // Buffering on, with gzip for event streams: nginx then holds a buffered response until its gzip buffers fill.
    const buffering = { proxy_buffering: 'on', gzip: 'on', gzip_types: 'text/event-stream', gzip_min_length: '1' };
    const config = renderNginxConfig({
      example: guideNginxExample(),
      upstreams: [a, b].map((api) => new URL(api.baseUrl).host),
      servers: [
        { port: p1!, ...tls },
        { port: p2!, ...tls, locationOverrides: buffering },
        { port: p3!, ...tls, locationOverrides: { ...buffering, proxy_ignore_headers: 'X-Accel-Buffering' } },
      ],
      prefix: dir,
    });
    nginx = await startNginx(dir, config, [p1!, p2!, p3!]);
    // Not from 127.0.0.1: requests before a login are limited per address, and other suites count that one in the same Redis.
    const me = loopbackAddress();
    guide = createHttpsClient(p1!, ca, me);
    bufferingOn = createHttpsClient(p2!, ca, me);
    buffered = createHttpsClient(p3!, ca, me);

    // Both processes must have the model before replies can stream through either.
    for (const api of [a, b]) {
      for (const deadline = Date.now() + 20_000; ; ) {
        const res = await fetch(`${api.baseUrl}/api/llm/status`, { headers: { authorization: `Bearer ${bobKey}` } });
        const { state } = (await res.json()) as { state: string };
        if (state === 'ready') break;
        if (state === 'error' || Date.now() > deadline)
          throw new Error(
            `no model on ${api.baseUrl} (${state}): is there a GGUF file in ${MODELS_DIR}? Set TEST_MODELS_DIR.\n${api.output()}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, 120_000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function login(client: HttpsClient): Promise<string> {
    const res = await client.request({
      method: 'POST',
      path: '/api/auth/login',
      headers: { origin: client.origin },
      body: { username: 'alice', password: PASSWORD },
    });
    expect(res.status, `${res.text}\n${a.output()}\n${b.output()}`).toBe(200);
    const cookies = [res.headers['set-cookie'] ?? []].flat();
    expect(cookies.length).toBeGreaterThan(0);
    // X-Forwarded-Proto https from nginx: the cookie is marked Secure although the API itself speaks plain HTTP.
    for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
    return cookies.map((c) => c.split(';')[0]).join('; ');
  }

  it('a browser-style cookie login through nginx works on both processes, and requests spread over both', async () => {
    const cookie = await login(guide);
    const before = await Promise.all([a, b].map((api) => requestCount(api, metricsKey, '/api/chat/sessions')));
    const created = await guide.request({
      method: 'POST',
      path: '/api/chat/sessions',
      headers: { cookie, origin: guide.origin },
      body: { title: 'via nginx' },
    });
    expect(created.status, created.text).toBe(201);
    const sessionId = created.json<{ id: string }>().id;
    for (let i = 0; i < 5; i++) {
      const page = await guide.request({ path: '/api/chat/sessions', headers: { cookie } });
      expect(page.status, page.text).toBe(200);
      expect(page.json<{ items: { id: string }[] }>().items.map((s) => s.id)).toContain(sessionId);
    }
    const after = await Promise.all([a, b].map((api) => requestCount(api, metricsKey, '/api/chat/sessions')));
    const served = after.map((n, i) => n - before[i]!);
    expect(served[0]! + served[1]!).toBe(6);
    expect(served[0], 'process A served none of the requests nginx passed on').toBeGreaterThan(0);
    expect(served[1], 'process B served none of the requests nginx passed on').toBeGreaterThan(0);
  });

  it('a reply streams through nginx token by token, not buffered', async () => {
    const cookie = await login(guide);
    const session = await guide.request({
      method: 'POST',
      path: '/api/chat/sessions',
      headers: { cookie, origin: guide.origin },
      body: { title: 'stream' },
    });
    const sessionId = session.json<{ id: string }>().id;
    const run = async (client: HttpsClient) => {
      const res = await client.stream({
        path: '/api/chat/stream',
        headers: { cookie, origin: client.origin, 'accept-encoding': 'gzip' },
        body: { session_id: sessionId, message: 'Once upon a time', params: REPLY },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      const d = delivery(res.chunks);
      expect(d.done, 'the stream ended without a done event').toBeDefined();
      expect(d.tokens, 'the model wrote too little to judge the delivery').toBeGreaterThanOrEqual(30);
      return d;
    };

    // Incremental: the tokens came in many separate reads, spread over most of the time the model spent writing them.
    const expectIncremental = (d: Delivery, what: string) => {
      const writingMs = d.done!.stats.total_ms - (d.done!.stats.time_to_first_token_ms ?? 0);
      const seen = `${what}: ${d.tokens} tokens in ${d.tokenReads} reads over ${Math.round(d.spreadMs)} ms of ${writingMs} ms writing`;
      // A fast stream puts several tokens in one read even unbuffered (299 tokens came in 72 reads in one CI run);
      // the buffered control gets at most 3.
      expect(d.tokenReads, seen).toBeGreaterThanOrEqual(Math.max(10, d.tokens / 8));
      expect(d.spreadMs, seen).toBeGreaterThanOrEqual(writingMs / 2);
    };
    expectIncremental(await run(guide), "the guide's config");
    expectIncremental(await run(bufferingOn), 'proxy_buffering on, relying on X-Accel-Buffering: no');
    // The control: the same nginx told to ignore that header buffers the whole reply, and the measure above sees it.
    const control = await run(buffered);
    expect(control.tokenReads, `control: ${control.tokens} tokens in ${control.tokenReads} reads`).toBeLessThanOrEqual(
      3,
    );
  });

  it(`the chat rate limit (${CHAT_LIMIT}/minute) holds across both processes behind nginx`, async () => {
    const bearer = { authorization: `Bearer ${bobKey}` };
    const before = await Promise.all([a, b].map((api) => requestCount(api, metricsKey, '/api/chat/send')));
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<HttpsClient['request']>> | undefined;
    for (let i = 0; i <= CHAT_LIMIT; i++) {
      // A session that does not exist: the limiter counts the request before the route answers 404, and no model runs.
      const res = await guide.request({
        method: 'POST',
        path: '/api/chat/send',
        headers: bearer,
        body: { session_id: NO_SUCH_SESSION, message: 'hi' },
      });
      statuses.push(res.status);
      limited = res;
    }
    expect(statuses).toEqual([...Array(CHAT_LIMIT).fill(404), 429]);
    expect(limited!.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited!.json()).toMatchObject({ error: { code: 'rate_limited' } });
    const after = await Promise.all([a, b].map((api) => requestCount(api, metricsKey, '/api/chat/send')));
    const served = after.map((n, i) => n - before[i]!);
    expect(served[0]! + served[1]!).toBe(CHAT_LIMIT + 1);
    // Each process alone saw fewer than the limit, so only the shared counter in Redis can have said 429.
    expect(Math.max(...served), `served per process: ${served}`).toBeLessThan(CHAT_LIMIT);
  });

  it(`the login limit (${LOGIN_LIMIT}/minute) is per client address, the one nginx put in X-Forwarded-For`, async () => {
    const [mallory, carol] = [loopbackAddress(), loopbackAddress()];
    const wrong = { username: 'alice', password: 'not the password' };
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMIT; i++) {
      // A forged X-Forwarded-For entry of a new address each time: TRUST_PROXY=1 believes only the entry nginx appended.
      const res = await guide.request({
        method: 'POST',
        path: '/api/auth/login',
        from: mallory,
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
        body: wrong,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(LOGIN_LIMIT).fill(401), 429]);
    // Another client through the same nginx (so the same socket address at the API) has its own counter.
    const other = await guide.request({ method: 'POST', path: '/api/auth/login', from: carol, body: wrong });
    expect(other.status, other.text).toBe(401);
    const right = await guide.request({
      method: 'POST',
      path: '/api/auth/login',
      from: carol,
      headers: { origin: guide.origin },
      body: { username: 'alice', password: PASSWORD },
    });
    expect(right.status, right.text).toBe(200);
  });
});
