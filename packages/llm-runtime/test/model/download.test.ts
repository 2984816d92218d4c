import { createHash } from 'node:crypto';
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { ModelDownloadError, pullModel, scanModels } from '../../src/index.js';
import { runModelsCli } from '../../src/cli/index.js';
import { MODEL_PATH, MODEL_SHA256 } from './helpers.js';

let model: Buffer;
let server: Server;
let base: string;
const requests: { url: string; range: string | undefined }[] = [];
/** When set, the next request for a model is cut after this many bytes. */
let cutNextAfter: number | null = null;

beforeAll(async () => {
  model = await readFile(MODEL_PATH);
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', range: req.headers.range });
    if (!req.url?.endsWith('.gguf')) {
      res.writeHead(404).end('not found');
      return;
    }
    const match = req.headers.range?.match(/^bytes=(\d+)-$/);
    const start = match ? Number(match[1]) : 0;
    if (start >= model.length) {
      res.writeHead(416, { 'content-range': `bytes */${model.length}` }).end();
      return;
    }
    const body = model.subarray(start);
    res.writeHead(match ? 206 : 200, {
      'content-length': body.length,
      'accept-ranges': 'bytes',
      ...(match ? { 'content-range': `bytes ${start}-${model.length - 1}/${model.length}` } : {}),
    });
    if (cutNextAfter !== null) {
      const cut = cutNextAfter;
      cutNextAfter = null;
      // Give the bytes time to reach the client before the connection drops mid-body.
      res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 100));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-pull-'));
  requests.length = 0;
  cutNextAfter = null;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

describe('pullModel', () => {
  it('downloads hf: sources through HF_ENDPOINT and checks the GGUF', async () => {
    const progress: number[] = [];
    const result = await pullModel({
      source: 'hf:ggml-org/models/tinyllamas/stories260K.gguf',
      modelsDir: dir,
      hfEndpoint: base,
      onProgress: (received) => progress.push(received),
    });
    expect(requests[0]!.url).toBe('/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf');
    expect(result).toMatchObject({ path: path.join(dir, 'stories260K.gguf'), bytes: model.length, resumed: false });
    expect(await sha256(result.path)).toBe(MODEL_SHA256);
    expect(progress.at(-1)).toBe(model.length);
    expect((await scanModels(dir))[0]).toMatchObject({ id: 'stories260K', status: 'available' });
    // A second pull finds the file and downloads nothing.
    const again = await pullModel({ source: `${base}/x/stories260K.gguf`, modelsDir: dir });
    expect(again.alreadyPresent).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it('resumes a broken download with an HTTP Range request', async () => {
    cutNextAfter = 300_000;
    const source = `${base}/files/story.gguf`;
    const first = await pullModel({ source, modelsDir: dir, retries: 0 }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ModelDownloadError);
    expect((first as Error).message).toMatch(/interrupted.*run the same command again to resume/);
    const partialSize = (await stat(path.join(dir, 'story.gguf.partial'))).size;
    expect(partialSize).toBeGreaterThan(0);
    expect(partialSize).toBeLessThan(model.length);

    const result = await pullModel({ source, modelsDir: dir });
    expect(result.resumed).toBe(true);
    expect(requests.at(-1)!.range).toBe(`bytes=${partialSize}-`);
    expect(await sha256(result.path)).toBe(MODEL_SHA256);
    await expect(stat(path.join(dir, 'story.gguf.partial'))).rejects.toThrow();
  });

  it('retries by itself within one call when the connection drops', async () => {
    cutNextAfter = 100_000;
    const result = await pullModel({ source: `${base}/a/auto.gguf`, modelsDir: dir });
    expect(result.resumed).toBe(true);
    // The client keeps what reached it before the socket closed (at most the 100,000 bytes sent).
    expect(requests).toHaveLength(2);
    expect(requests[0]!.range).toBeUndefined();
    const resumedAt = Number(requests[1]!.range?.match(/^bytes=(\d+)-$/)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(100_000);
    expect(await sha256(result.path)).toBe(MODEL_SHA256);
  });

  it('fails clearly when the host is unreachable or the file is missing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(pullModel({ source: `http://127.0.0.1:${port}/m.gguf`, modelsDir: dir })).rejects.toThrow(
      new RegExp(`cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    );
    await expect(pullModel({ source: `${base}/missing.txt.gguf.not`, modelsDir: dir })).rejects.toThrow(
      /does not name a \.gguf/,
    );
  });
});

describe('models CLI', () => {
  it('pull exits 1 with one line when offline, list prints the table', async () => {
    const errors: string[] = [];
    const logs: string[] = [];
    const originalError = console.error;
    const originalLog = console.log;
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
    console.log = (...args: unknown[]) => void logs.push(args.join(' '));
    try {
      expect(await runModelsCli(['pull', 'http://127.0.0.1:9/m.gguf'], { MODELS_DIR: dir })).toBe(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^error: cannot reach 127\.0\.0\.1:9/);
      expect(errors[0]).not.toMatch(/\n\s+at /);
      expect(await runModelsCli(['pull', 'hf:u/r/stories260K.gguf'], { MODELS_DIR: dir, HF_ENDPOINT: base })).toBe(0);
      expect(await runModelsCli(['list'], { MODELS_DIR: dir })).toBe(0);
      expect(logs.at(-2)).toMatch(/^ID\s+SIZE\s+QUANT\s+CONTEXT\s+STATUS$/);
      expect(logs.at(-1)).toMatch(/^stories260K\s+1\.1 MiB\s+F32\s+2048\s+available$/);
    } finally {
      console.error = originalError;
      console.log = originalLog;
    }
  });
});
