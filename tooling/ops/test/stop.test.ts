import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, waitFor } from '@chat-studio/test-support';
import { integrityOk, opsEnv, runCli, seedDatabase, snapshot } from './helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stop command', () => {
  const tmp = tempDir();
  const env = opsEnv(tmp.dir, { MODELS_DIR: path.join(tmp.dir, 'no-models') });
  afterAll(() => tmp.cleanup());

  it('stops the server named by the pid file with SIGTERM, leaving no process and a clean database', async () => {
    await seedDatabase(env.DATABASE_PATH!, 2, 10);
    const before = snapshot(env.DATABASE_PATH!);
    const server = await startApiServer(env);
    const pid = server.child.pid!;
    // The same content the server writes (its pid); written here too so the test does not depend on wiring order.
    writeFileSync(env.PID_FILE!, `${pid}\n`);
    // SIGCONT changes nothing for a running process; the call only hands back the exit promise.
    const exited = server.stop('SIGCONT');

    const run = await runCli('stop', [], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Stopped server ${pid}`));
    expect(await exited).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(env.PID_FILE!)).toBe(false);
    expect(integrityOk(env.DATABASE_PATH!)).toBe(true);
    expect(snapshot(env.DATABASE_PATH!)).toEqual(before);
    expect(server.output()).toMatch(/SIGTERM/);
  });

  it('removes a stale pid file and reports that nothing was running', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(env.PID_FILE!, `${dead.pid}\n`);
    const run = await runCli('stop', [], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Not running: process \d+ is gone; removed the stale pid file/);
    expect(existsSync(env.PID_FILE!)).toBe(false);

    const none = await runCli('stop', [], env);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/no pid file/);
  });

  it('kills a process that ignores SIGTERM after --timeout and says so', async () => {
    const stubborn = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => console.log('ignored')); console.log('ready'); setInterval(() => {}, 1000)"],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    stubborn.stdout!.on('data', (d) => (out += d));
    // A node start on a loaded 2-core CI machine can take seconds.
    await waitFor(() => out.includes('ready'), 20_000, 'stubborn process');
    writeFileSync(env.PID_FILE!, `${stubborn.pid}\n`);
    const run = await runCli('stop', ['--timeout', '0.5'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/did not exit within 500 ms of SIGTERM and was killed \(SIGKILL\)/);
    await waitFor(() => stubborn.exitCode !== null || stubborn.signalCode !== null, 20_000, 'exit');
    expect(stubborn.signalCode).toBe('SIGKILL');
    expect(out).toContain('ignored');
    expect(existsSync(env.PID_FILE!)).toBe(false);
  });
});
