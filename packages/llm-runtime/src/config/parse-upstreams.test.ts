import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './invalid-option-error.js';
import { normalizeUpstream, parseUpstreams } from './parse-upstreams.js';
import { resolveRuntimeOptions } from './resolve-options.js';

describe('parseUpstreams', () => {
  it('reads name=url|key entries separated by commas or whitespace; a repeated name is one pool', () => {
    expect(
      parseUpstreams(' gpu=http://10.0.0.5:8080/v1|sk-1,\n gpu=https://gpu2.internal/v1/ cpu=http://127.0.0.1:3000/v1'),
    ).toEqual([
      { name: 'gpu', baseUrl: 'http://10.0.0.5:8080/v1', apiKey: 'sk-1' },
      { name: 'gpu', baseUrl: 'https://gpu2.internal/v1' },
      { name: 'cpu', baseUrl: 'http://127.0.0.1:3000/v1' },
    ]);
    expect(parseUpstreams('')).toEqual([]);
  });

  it('keeps everything after the first | as the key', () => {
    expect(parseUpstreams('a=http://h/v1|k|with=bars')[0]!.apiKey).toBe('k|with=bars');
  });

  it('refuses entries without a name, with a bad name or with a URL that is not http(s)', () => {
    expect(() => parseUpstreams('http://10.0.0.5:8080/v1')).toThrow(/must look like name=/);
    expect(() => parseUpstreams('a/b=http://h/v1')).toThrow(/may only hold letters/);
    expect(() => parseUpstreams('a=not a url')).toThrow(InvalidOptionError);
    expect(() => parseUpstreams('a=ftp://h/v1')).toThrow(/must be http or https/);
    expect(() => normalizeUpstream({ name: '', baseUrl: 'http://h' })).toThrow(/upstream name ""/);
  });

  it('is what resolveRuntimeOptions reads from LLM_UPSTREAMS, with the check settings', () => {
    const resolved = resolveRuntimeOptions({
      env: {
        LLM_UPSTREAMS: 'a=http://h:1/v1',
        LLM_UPSTREAM_CHECK_MS: '250',
        LLM_UPSTREAM_MAX_FAILURES: '5',
        LLM_UPSTREAM_CONCURRENCY: '2',
      },
    });
    expect(resolved).toMatchObject({
      upstreams: [{ name: 'a', baseUrl: 'http://h:1/v1' }],
      upstreamCheckIntervalMs: 250,
      upstreamMaxFailures: 5,
      upstreamConcurrency: 2,
    });
    expect(resolveRuntimeOptions({ env: {} })).toMatchObject({
      upstreams: [],
      upstreamCheckIntervalMs: 5000,
      upstreamMaxFailures: 3,
      upstreamConcurrency: 4,
    });
    // The option wins over the env var.
    expect(resolveRuntimeOptions({ env: { LLM_UPSTREAMS: 'a=http://h/v1' }, upstreams: [] }).upstreams).toEqual([]);
    expect(() => resolveRuntimeOptions({ env: { LLM_UPSTREAM_MAX_FAILURES: '0' } })).toThrow(
      /LLM_UPSTREAM_MAX_FAILURES/,
    );
  });
});
