import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ChatUnavailableError,
  InsufficientMemoryError,
  LlmRuntimeError,
  ModelLoadError,
  QueueFullError,
  UnsupportedRequestError,
} from '../errors/index.js';
import { InputTooLongError } from '../errors/endpoint-errors.js';
import * as entry from '../index.js';
import type { StreamItem } from './messages.js';
import { createTokenBatcher, fromWireError, toWireError } from './index.js';
import { workerUrl } from './worker-link.js';

/** Through structured clone, as a MessagePort carries it. */
const across = (error: unknown) => fromWireError(structuredClone(toWireError(error)));

describe('errors across the thread boundary', () => {
  it('come back as the same named classes, with code, fields and message', () => {
    const memory = across(new InsufficientMemoryError('big', 3 * 2 ** 20, 2 ** 20));
    expect(memory).toBeInstanceOf(InsufficientMemoryError);
    expect(memory).toBeInstanceOf(ModelLoadError);
    expect(memory).toBeInstanceOf(LlmRuntimeError);
    expect(memory).toMatchObject({ code: 'model_load_failed', modelId: 'big', requiredBytes: 3 * 2 ** 20 });
    expect(memory.name).toBe('InsufficientMemoryError');
    expect(memory.message).toContain('not enough memory');
    expect(across(new QueueFullError(8, 2))).toMatchObject({ code: 'queue_full', retryAfterSeconds: 2 });
    expect(across(new ChatUnavailableError('no model'))).toMatchObject({
      code: 'chat_unavailable',
      reason: 'no model',
    });
    expect(across(new UnsupportedRequestError('tools', 'no'))).toMatchObject({
      code: 'validation_error',
      param: 'tools',
    });
    expect(across(new InputTooLongError(1, 90, 64))).toMatchObject({ param: 'input', index: 1, tokens: 90, limit: 64 });
    expect(across(new InputTooLongError(1, 90, 64))).toBeInstanceOf(InputTooLongError);
  });

  it('keep the stack of the worker, and plain errors and aborts stay what they were', () => {
    const back = across(new ModelLoadError('m', 'broken'));
    expect(back.stack).toContain('ModelLoadError');
    expect(back.stack).toContain('worker thread');
    const plain = across(new TypeError('bad'));
    expect(plain).not.toBeInstanceOf(LlmRuntimeError);
    expect([plain.name, plain.message]).toEqual(['TypeError', 'bad']);
    const abort = across(new DOMException('stopped', 'AbortError'));
    expect([abort.name, abort.message]).toEqual(['AbortError', 'stopped']);
    expect(across('a string').message).toBe('a string');
  });

  it('every error class the package exports comes back as itself, but the two the main thread alone throws', () => {
    // Options are resolved, and remote upstreams called, on the main thread: these never cross the boundary.
    const mainThreadOnly = ['InvalidOptionError', 'UpstreamRequestError'];
    const classes = Object.entries(entry).filter(
      (e): e is [string, typeof LlmRuntimeError] => typeof e[1] === 'function' && e[1].prototype instanceof Error,
    );
    expect(classes.map(([name]) => name)).toEqual(expect.arrayContaining(mainThreadOnly));
    const crossing = classes.filter(([name]) => !mainThreadOnly.includes(name));
    expect(crossing.length).toBeGreaterThanOrEqual(12);
    for (const [name, Class] of crossing) {
      // Any instance of the class will do: its name is what the wire carries (no constructor runs on the way back).
      const instance = Object.assign(Object.create(Class.prototype) as Error, { name, message: name });
      const back = across(instance);
      expect(back, name).toBeInstanceOf(Class);
      expect(back.name).toBe(name);
    }
  });
});

describe('createTokenBatcher', () => {
  it('posts the first piece at once, then the rest in batches, in order', async () => {
    const posts: StreamItem[][] = [];
    const batcher = createTokenBatcher(20, (items) => posts.push(items));
    batcher.push({ text: 'a' });
    expect(posts).toEqual([[{ text: 'a' }]]);
    batcher.push({ text: 'b' });
    batcher.push({ call: { index: 0, name: 'f', arguments: '' } });
    batcher.push({ text: 'c' });
    expect(posts).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(posts).toEqual([
      [{ text: 'a' }],
      [{ text: 'b' }, { call: { index: 0, name: 'f', arguments: '' } }, { text: 'c' }],
    ]);
  });

  it('flush posts what is pending now and nothing when empty', () => {
    const posts: StreamItem[][] = [];
    const batcher = createTokenBatcher(1000, (items) => posts.push(items));
    batcher.push({ text: 'a' });
    batcher.push({ text: 'b' });
    batcher.flush();
    batcher.flush();
    expect(posts).toEqual([[{ text: 'a' }], [{ text: 'b' }]]);
  });
});

describe('the worker program', () => {
  it("is the build's bundle when it is there, else the unbundled entry beside the module", () => {
    const dist = mkdtempSync(path.join(os.tmpdir(), 'worker-url-'));
    try {
      const moduleUrl = pathToFileURL(path.join(dist, 'worker-provider', 'worker-link.js')).href;
      expect(workerUrl(moduleUrl).href).toBe(pathToFileURL(path.join(dist, 'worker-provider', 'worker-entry.js')).href);
      mkdirSync(path.join(dist, 'worker-bundle'));
      writeFileSync(path.join(dist, 'worker-bundle', 'worker-entry.js'), 'export {};\n');
      expect(workerUrl(moduleUrl).href).toBe(pathToFileURL(path.join(dist, 'worker-bundle', 'worker-entry.js')).href);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
