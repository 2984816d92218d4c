import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '@chat-studio/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledStartServer } from './bundled-entry.js';

describe('bundledStartServer', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const entry = pathToFileURL(path.join(tmp.dir, 'server.js')).href;

  it('is undefined without a bundle beside the entry, so the unbundled modules load', () => {
    expect(bundledStartServer(entry)).toBeUndefined();
  });

  it('names the bundle beside the entry once the build wrote it', () => {
    mkdirSync(path.join(tmp.dir, 'bundle'));
    writeFileSync(path.join(tmp.dir, 'bundle', 'start-server.js'), 'export {};\n');
    expect(bundledStartServer(entry)?.href).toBe(pathToFileURL(path.join(tmp.dir, 'bundle', 'start-server.js')).href);
  });
});
