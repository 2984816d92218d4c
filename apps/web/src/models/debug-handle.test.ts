import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { installDebugHandle } from './debug-handle.js';
import { currentSessionId } from './sessions.js';

describe('window.chatStudio debug handle', () => {
  it('exposes the version and the open chat id, live', () => {
    const target = {} as Window;
    installDebugHandle(target);
    expect(target.chatStudio?.version).toBe(pkg.version);
    currentSessionId.value = null;
    expect(target.chatStudio?.currentSessionId).toBeNull();
    currentSessionId.value = '01J00000000000000000000000';
    expect(target.chatStudio?.currentSessionId).toBe('01J00000000000000000000000');
  });
});
