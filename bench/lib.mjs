// Shared helpers for the benchmarks: percentiles, a real API server, and the docs/benchmarks.md writer.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)];
}

export const median = (values) => percentile(values, 50);

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns the baseline every HTTP figure is compared with: a bare `node:http` server answering `{"status":"ok"}`,
 * on a free port. Resolves at once with `spawnedAt` (a `performance.now()` stamp); the caller polls `url`.
 */
export async function spawnBareNode() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-studio-bare-'));
  const script = path.join(dir, 'bare.mjs');
  writeFileSync(
    script,
    "import http from 'node:http';\nhttp.createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{\"status\":\"ok\"}'); }).listen(Number(process.env.PORT), '127.0.0.1');\n",
  );
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  return { child, url: `http://127.0.0.1:${port}/`, spawnedAt, stop };
}

/** Starts the built API server (`node apps/api/dist/server.js`) and waits for /health. */
export async function startApiServer(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'apps/api/dist/server.js')], {
    // Benchmarks measure the product, not its limits: rate limits off, logs out of the checkout.
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      RATE_LIMIT_CHAT: 'off',
      RATE_LIMIT_API: 'off',
      LOGS_DIR: path.join(os.tmpdir(), 'chat-studio-bench-logs'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    try {
      // 200, or 503 `degraded` when no model is configured: the API serves either way (a bench without a model
      // used to wait out the whole 30 s here).
      const res = await fetch(`${baseUrl}/health`);
      const body = /** @type {{ status?: string }} */ (await res.json().catch(() => ({})));
      if (res.ok || body.status === 'degraded') break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    /** The server's process id (its main thread's id too: `/proc/<pid>/task/<pid>`). */
    pid: child.pid,
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

/** Replaces (or appends) the `## <title>` section of docs/benchmarks.md, keeping the others. */
export function writeSection(title, body) {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nFigures measured on the development machine (2 cores, shared and noisy). Compare ratios from the same run.\n';
  const heading = `## ${title}`;
  const start = text.indexOf(`\n${heading}\n`);
  const section = `\n${heading}\n\n${body.trim()}\n`;
  if (start === -1) text = `${text.trimEnd()}\n${section}`;
  else {
    const next = text.indexOf('\n## ', start + heading.length + 1);
    // Dated `### ` notes under the section (figures of other runs) stay, after the new body.
    const old = text.slice(start, next === -1 ? text.length : next);
    const notes = old.indexOf('\n### ');
    const kept = notes === -1 ? '' : `\n${old.slice(notes).trim()}\n`;
    text = text.slice(0, start) + section + kept + (next === -1 ? '' : text.slice(next));
  }
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  console.log(`wrote "${heading}" to docs/benchmarks.md`);
}

/** The benches' log: about `bytes` bytes of request lines, an ERROR every 97th and a WARN every 13th. */
export function makeLog(bytes) {
  const lines = [];
  let size = 0;
  for (let n = 1; size < bytes; n++) {
    const level = n % 97 === 0 ? 'ERROR' : n % 13 === 0 ? 'WARN' : 'INFO';
    const line = `2026-12-03T01:00:${String(n % 60).padStart(2, '0')}Z ${level} request ${n} served in ${n % 250} ms\n`;
    lines.push(line);
    size += line.length;
  }
  return new TextEncoder().encode(lines.join(''));
}

/**
 * Reads an SSE response: the `performance.now()` of the first and last non-empty `data:` event that carried text,
 * and every parsed event.
 * @param {Response} res
 * @param {(event: any) => string | undefined} textOf the text an event carries
 */
export async function readSse(res, textOf) {
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const decoder = new TextDecoder();
  let buffered = '';
  let first = 0;
  let last = 0;
  const events = [];
  for await (const chunk of res.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end !== -1) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\n\n');
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('');
      if (!data || data === '[DONE]') continue;
      const event = JSON.parse(data);
      events.push(event);
      if (textOf(event)) {
        const now = performance.now();
        if (first === 0) first = now;
        last = now;
      }
    }
  }
  return { first, last, events };
}
