import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, waitFor } from '@chat-studio/test-support';
import { opsEnv, runCli, spawnCli } from './helpers.js';

describe('monitor command', () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir, { MODELS_DIR: path.join(tmp.dir, 'no-models') });
  afterAll(() => tmp.cleanup());

  it('logs up, then down when the server stops, and exits 0 on SIGINT', async () => {
    const server = await startApiServer({ ...env, MODELS_DIR: opsEnv(tmp.dir).MODELS_DIR });
    const monitor = spawnCli('monitor', ['--url', server.baseUrl, '--interval', '0.2'], env);
    try {
      // The model loads in the background: the first lines may say degraded (loading) before up.
      await waitFor(() => /Z up\n/.test(monitor.output()), 20_000, 'up line');
      await server.stop();
      await waitFor(() => /Z down: /.test(monitor.output()), 10_000, 'down line');
    } finally {
      await server.stop();
    }
    monitor.child.kill('SIGINT');
    const run = await monitor.done;
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    const up = lines.findIndex((l) => /^\S+Z up$/.test(l));
    expect(up).toBeGreaterThanOrEqual(0);
    expect(lines[up + 1]).toMatch(/^\S+Z down: .*ECONNREFUSED/);
    expect(lines.at(-1)).toMatch(/stopped after \d+ poll/);
  });

  it('logs degraded with its reason and stops after --count polls, logging only changes', async () => {
    const server = await startApiServer(env);
    try {
      // The server answers before its runtime has looked for a model ("has not been started"): wait for the lasting
      // reason, so every poll sees the same state and only one line is logged.
      await waitFor(
        async () => /no model found/.test(await (await fetch(`${server.baseUrl}/health`)).text()),
        20_000,
        'the no-model reason in /health',
      );
      const run = await runCli('monitor', ['--url', server.baseUrl, '--interval', '0.05', '--count', '3'], env);
      expect(run.code).toBe(0);
      const lines = run.stdout
        .trim()
        .split('\n')
        .filter((l) => /^\d{4}-/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\S+Z degraded: Chat service is not available: no model found/);
    } finally {
      await server.stop();
    }
  });

  it('--once against nothing reports down and exits 0', async () => {
    const run = await runCli('monitor', ['--once'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Z down: /);
  });
});
