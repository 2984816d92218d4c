/**
 * `pnpm embed --status|--rebuild` and the vectors step of `pnpm maintenance` on a real SQLite file: a message behind
 * the embedding cursor without a vector is found, named with its fix, and the fix clears it.
 */
import path from 'node:path';
import { openChatStore } from '@chat-studio/chat-store';
import { tempDir } from '@chat-studio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../src/health/index.js';
import { runMaintenance } from '../src/maintenance/index.js';
import { opsEnv, runCli, seedDatabase, USER_ID } from './helpers.js';

describe('embed command and the maintenance vectors check', () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir);
  const file = env.DATABASE_PATH as string;

  beforeAll(async () => {
    await seedDatabase(file, 1, 4);
    const store = await openChatStore({ path: file });
    await store.vectors.useModel({ model: 'unit', dims: 2 });
    await store.vectors.setEnabled(USER_ID, true);
    const pending = await store.vectors.pending(10);
    // Every message but the first gets a vector while the cursor passes them all: one is missing.
    await store.vectors.store(pending.slice(1).map((p) => ({ ...p, vector: Float32Array.of(1, 0) })));
    // A large file in three chunks, one of them embedded: the server's chunk embedder is part way through it.
    const parts = ['First part.', 'Second part.', 'Third part.'];
    await store.attachments.create(
      USER_ID,
      {
        name: 'big.log',
        mime: 'text/plain',
        bytes: new TextEncoder().encode(parts.join('')),
        sha256: 'b'.repeat(64),
        text: parts.join(''),
        tokens: 9,
        chunked: true,
        chunks: parts.map((text, ordinal) => ({
          ordinal,
          start: 0,
          end: text.length,
          heading: null,
          page: null,
          text,
        })),
      },
      { quotaBytes: 1_000_000 },
    );
    await store.chunkVectors.useModel({ model: 'unit', dims: 2 });
    const [chunk] = await store.chunkVectors.pending(1);
    if (chunk) await store.chunkVectors.store([{ chunkId: chunk.chunkId, vector: Float32Array.of(0, 1) }]);
    await store.close();
  });
  afterAll(() => tmp.cleanup());

  it('--status reports progress and the disagreement, exiting 1', async () => {
    const run = await runCli('embed', ['--status', '--json'], env);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as { progress: { embedded: number; total: number }; check: { missing: number } };
    expect(out.progress).toMatchObject({ embedded: 3, total: 4 });
    expect(out.check.missing).toBe(1);
  });

  it("--status reports how far large files' chunks are embedded", async () => {
    const json = await runCli('embed', ['--status', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      chunks: { files: { ready: 0, indexing: 1, error: 0 }, chunks: 3, embedded: 1, model: 'unit', dims: 2 },
    });
    const text = await runCli('embed', ['--status'], env);
    expect(text.stdout).toContain('Large files indexed: 0 ready, 1 indexing, 0 error');
    expect(text.stdout).toContain('Chunks embedded: 1 of 3 (unit, 2 dims)');
  });

  it('pnpm health shows the chunk indexing line', async () => {
    const run = await runCli('health', ['--json'], env);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(report.checks.find((c) => c.name === 'chunk indexing')).toMatchObject({
      status: 'pass',
      detail: '1 of 3 chunks embedded; large files: 0 ready, 1 indexing, 0 error',
    });
  });

  it('maintenance names the problem and the command that fixes it', async () => {
    const report = await runMaintenance({ databasePath: file, dataDir: path.dirname(file) }, { log: () => {} });
    const step = report.steps.find((s) => s.name === 'vectors check');
    expect(step).toMatchObject({ ok: false });
    expect(step?.detail).toContain('pnpm embed --rebuild');
  });

  it('--rebuild drops the vectors and resets the cursor, so they agree again', async () => {
    const run = await runCli('embed', ['--rebuild'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Messages embedded: 0 of 4');
    expect((await runCli('embed', ['--status'], env)).code).toBe(0);
  });

  it('refuses neither or both of --status and --rebuild', async () => {
    expect((await runCli('embed', [], env)).code).toBe(2);
  });
});
