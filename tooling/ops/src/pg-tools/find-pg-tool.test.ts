import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPgTool, PgToolMissingError, requirePgTool } from './index.js';

describe('findPgTool', () => {
  it('prefers PATH, falls back to the newest Debian version folder, and says how to install a missing tool', () => {
    const tmp = {
      dir: mkdtempSync(path.join(os.tmpdir(), 'cs-pg-tools-')),
      cleanup: () => rmSync(tmp.dir, { recursive: true, force: true }),
    };
    try {
      const bin = (dir: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'pg_restore'), '#!/bin/sh\n');
        chmodSync(path.join(dir, 'pg_restore'), 0o755);
        return path.join(dir, 'pg_restore');
      };
      const root = path.join(tmp.dir, 'postgresql');
      bin(path.join(root, '13', 'bin'));
      const newest = bin(path.join(root, '16', 'bin'));
      const empty = path.join(tmp.dir, 'empty');
      mkdirSync(empty);
      expect(findPgTool('pg_restore', { searchPath: empty, versionsRoot: root })).toBe(newest);
      const onPath = bin(path.join(tmp.dir, 'usr-bin'));
      expect(
        findPgTool('pg_restore', {
          searchPath: [empty, path.dirname(onPath)].join(path.delimiter),
          versionsRoot: root,
        }),
      ).toBe(onPath);

      const none = { searchPath: empty, versionsRoot: path.join(tmp.dir, 'nothing') };
      expect(findPgTool('pg_restore', none)).toBeUndefined();
      expect(() => requirePgTool('pg_restore', none)).toThrow(PgToolMissingError);
      expect(() => requirePgTool('pg_restore', none)).toThrow(/pg_restore is not installed.*postgresql-client/);
    } finally {
      tmp.cleanup();
    }
  });
});
