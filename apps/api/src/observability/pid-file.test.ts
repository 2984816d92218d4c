import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@chat-studio/test-support';
import { removePidFile, resolvePidFile, writePidFile } from './index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('pid file', () => {
  it('defaults to chat-studio-<instance>.pid beside the database (instance: INSTANCE, else the port), PID_FILE wins', () => {
    expect(resolvePidFile({ DATABASE_PATH: '/srv/db/chat.db' })).toBe('/srv/db/chat-studio-5000.pid');
    expect(resolvePidFile({ DATABASE_PATH: '/srv/db/chat.db', PORT: '5001' })).toBe('/srv/db/chat-studio-5001.pid');
    expect(resolvePidFile({ DATABASE_PATH: '/srv/db/chat.db', PORT: '5001', INSTANCE: 'blue' })).toBe(
      '/srv/db/chat-studio-blue.pid',
    );
    expect(resolvePidFile({ PID_FILE: '/run/cs.pid', DATABASE_PATH: '/srv/db/chat.db' })).toBe('/run/cs.pid');
    expect(resolvePidFile({})).toMatch(/data[/\\]chat-studio-5000\.pid$/);
  });

  it('writes this pid and removes only a file that still names this process', () => {
    const { dir, cleanup } = tempDir('cs-pid-');
    cleanups.push(cleanup);
    const file = writePidFile(path.join(dir, 'sub', 'server.pid'), { removeOnExit: false });
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    removePidFile(file);
    expect(existsSync(file)).toBe(false);

    writeFileSync(file, '999999\n');
    removePidFile(file);
    expect(existsSync(file)).toBe(true);
  });
});
