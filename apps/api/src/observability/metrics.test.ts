import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { LlmStatus } from '@chat-studio/protocol';
import { openTestStore } from '../test-support.js';
import { createMetrics, metricsRoute, serverTiming, timeDb, timeGen } from './index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f();
});

const STATUS: LlmStatus = {
  state: 'ready',
  model_id: 'stories260K',
  load_progress: 1,
  reason: null,
  queue_depth: 2,
  queue_limit: 8,
  sequences_in_use: 1,
  sequences_total: 1,
  threads: 1,
  gpu: null,
};

async function setup() {
  const t = await openTestStore();
  cleanups.push(t.cleanup);
  const session = await t.store.sessions.create('local', { title: 'metrics' });
  await t.store.messages.append('local', session.id, { role: 'user', content: 'hello' });
  const metrics = createMetrics();
  const app = new Hono();
  app.use(metrics.middleware());
  app.use('/api/*', serverTiming());
  app.get('/api/sessions/:id', async (c) =>
    c.json(await timeDb(c, () => t.store.sessions.get('local', c.req.param('id')))),
  );
  app.post('/api/send', async (c) => {
    await timeDb(c, () => t.store.sessions.list('local', {}));
    await timeDb(c, () => t.store.sessions.list('local', {}));
    const text = await timeGen(c, () => new Promise<string>((r) => setTimeout(() => r('hi'), 20)));
    return c.json({ text });
  });
  app.route('/metrics', metricsRoute({ store: t.store, runtime: { status: () => STATUS } }, metrics));
  return { app, metrics, session };
}

describe('metrics', () => {
  it('exports request, generation, runtime and database metrics in Prometheus text format that promtool accepts', async () => {
    const { app, metrics, session } = await setup();
    expect((await app.request(`/api/sessions/${session.id}`)).status).toBe(200);
    expect((await app.request('/api/sessions/other-id')).status).toBe(200);
    metrics.observeGeneration({
      prompt_tokens: 12,
      completion_tokens: 40,
      time_to_first_token_ms: 80,
      tokens_per_second: 250,
      total_ms: 240,
      finish_reason: 'stop',
    });
    metrics.observeGeneration({
      prompt_tokens: 12,
      completion_tokens: 40,
      time_to_first_token_ms: 1,
      tokens_per_second: 99999,
      total_ms: 2,
      finish_reason: 'stop',
      cached: true,
    });
    metrics.countRateLimited();

    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('chat_studio_http_requests_total{method="GET",route="/api/sessions/:id",status="200"} 2');
    expect(text).toContain('chat_studio_generation_tokens_per_second_count 1');
    expect(text).toContain('chat_studio_generation_time_to_first_token_seconds_sum 0.08');
    expect(text).toContain('chat_studio_generations_total{finish_reason="stop",cached="true"} 1');
    expect(text).toContain('chat_studio_rate_limited_total 1');
    expect(text).toContain('chat_studio_llm_queue_depth 2');
    expect(text).toContain('chat_studio_llm_sequences_in_use 1');
    expect(text).toContain('chat_studio_llm_model_info{model_id="stories260K",state="ready"} 1');
    expect(text).toContain('chat_studio_database_rows{table="chat_messages"} 1');
    expect(text).toMatch(/chat_studio_database_size_bytes\{file="main"\} [1-9]\d*/);
    expect(text).toContain('process_resident_memory_bytes');

    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(promtool.error, 'promtool missing: install the Debian package "prometheus"').toBeUndefined();
    expect(promtool.stdout + promtool.stderr).toBe('');
    expect(promtool.status).toBe(0);
  });

  it('sets Server-Timing with total, summed db and gen durations on API responses', async () => {
    const { app } = await setup();
    const res = await app.request('/api/send', { method: 'POST' });
    const header = res.headers.get('server-timing') ?? '';
    const entries = Object.fromEntries(
      header.split(/,\s*/).map((e) => [e.split(';')[0], Number(/dur=([\d.]+)/.exec(e)?.[1])]),
    );
    expect(Object.keys(entries).sort()).toEqual(['db', 'gen', 'total']);
    expect(entries.gen).toBeGreaterThanOrEqual(15);
    expect(entries.total).toBeGreaterThanOrEqual(entries.gen!);
    expect((await app.request('/metrics')).headers.get('server-timing')).toBeNull();
  });
});
