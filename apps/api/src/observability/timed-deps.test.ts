import type { LlmRuntime } from '@chat-studio/llm-runtime';
import { describe, expect, it } from 'vitest';
import { timedRuntime } from './timed-deps.js';

/** Just the methods this test calls; the rest of the runtime is not needed to check the proxy. */
class FakeRuntime {
  state = 'ready';
  status() {
    return { state: this.state };
  }
}

describe('timedRuntime', () => {
  it('hands out one bound function per method, bound to the runtime, and follows a replaced method', () => {
    const fake = new FakeRuntime();
    const runtime = timedRuntime(fake as unknown as LlmRuntime) as unknown as FakeRuntime;
    const status = runtime.status;
    expect(runtime.status).toBe(status);
    // Called detached, as `const { status } = runtime` would: still the runtime's own `this`.
    expect(status()).toEqual({ state: 'ready' });
    fake.state = 'loading';
    expect(runtime.status()).toEqual({ state: 'loading' });
    fake.status = () => ({ state: 'replaced' });
    expect(runtime.status()).toEqual({ state: 'replaced' });
    expect(runtime.state).toBe('loading');
  });
});
