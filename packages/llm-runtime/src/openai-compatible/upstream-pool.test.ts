import { describe, expect, it } from 'vitest';
import { createUpstreamPool } from './upstream-pool.js';

function pool(maxFailures = 2) {
  return createUpstreamPool({
    maxFailures,
    upstreams: [
      { name: 'a', baseUrl: 'http://10.0.0.1:8080/v1' },
      { name: 'a', baseUrl: 'http://10.0.0.2:8080/v1' },
      { name: 'a', baseUrl: 'http://10.0.0.2:8080/other/v1' },
      { name: 'b', baseUrl: 'http://10.0.0.1:8080/v1' },
    ],
  });
}

describe('createUpstreamPool', () => {
  it('names upstreams name@host and numbers repeats', () => {
    expect(pool().all.map((upstream) => upstream.id)).toEqual([
      'a@10.0.0.1:8080',
      'a@10.0.0.2:8080',
      'a@10.0.0.2:8080#2',
      'b@10.0.0.1:8080',
    ]);
  });

  it('picks only checked, healthy members of the pool that list the model, fewest outstanding first, ties in turn', () => {
    const p = pool();
    const [one, two, three, other] = p.all;
    expect(p.pick('a', 'm', new Set())).toBeUndefined();
    p.succeeded(one!, ['m']);
    p.succeeded(two!, ['m']);
    p.succeeded(three!, ['x']);
    p.succeeded(other!, ['m']);
    const order = Array.from({ length: 4 }, () => p.pick('a', 'm', new Set())!.id);
    expect(order).toEqual(['a@10.0.0.1:8080', 'a@10.0.0.2:8080', 'a@10.0.0.1:8080', 'a@10.0.0.2:8080']);
    one!.outstanding = 2;
    two!.outstanding = 1;
    expect(p.pick('a', 'm', new Set())).toBe(two);
    expect(p.pick('a', 'm', new Set([two!]))).toBe(one);
    expect(p.pick('a', 'm', new Set([one!, two!]))).toBeUndefined();
  });

  it('takes an upstream out after maxFailures in a row and back on the next success', () => {
    const p = pool(2);
    const [one] = p.all;
    p.succeeded(one!, ['m']);
    p.failed(one!, 'connect ECONNREFUSED');
    expect(p.serving('a', 'm')).toEqual([one]);
    p.succeeded(one!);
    p.failed(one!, 'HTTP 502');
    expect(one!.healthy).toBe(true);
    p.failed(one!, 'HTTP 503');
    expect(p.serving('a', 'm')).toEqual([]);
    expect(p.health(one!)).toMatchObject({
      base_url: 'http://10.0.0.1:8080/v1',
      healthy: false,
      consecutive_failures: 2,
      last_error: 'HTTP 503',
    });
    p.succeeded(one!, ['m']);
    expect(p.health(one!)).toMatchObject({ healthy: true, consecutive_failures: 0 });
  });
});
