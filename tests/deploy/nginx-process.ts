/** A real nginx in the foreground with a config of the test's own, plus a throwaway self-signed certificate for it. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const OPENSSL_BIN = '/usr/bin/openssl';

/**
 * Why the deployment test cannot run here, or `undefined` when it can. Under CI=true a missing piece is an error:
 * a broken CI setup must not pass by skipping.
 */
export function missingForDeployTest(): string | undefined {
  const missing: string[] = [];
  if (!process.env.DATABASE_URL_TEST?.trim() || !process.env.REDIS_URL_TEST?.trim()) {
    missing.push('DATABASE_URL_TEST and REDIS_URL_TEST (eval "$(.ci/services)" starts both)');
  }
  if (!existsSync(NGINX_BIN)) missing.push(`nginx at ${NGINX_BIN} (Debian: apt-get install nginx)`);
  if (!existsSync(OPENSSL_BIN)) missing.push(`openssl at ${OPENSSL_BIN} (Debian: apt-get install openssl)`);
  if (missing.length === 0) return undefined;
  const why = `the deployment test needs ${missing.join('; ')}`;
  if (process.env.CI === 'true') throw new Error(`Deployment test must run in CI: ${why}`);
  console.warn(`Skipping the deployment test: ${why}`);
  return why;
}

/** A self-signed certificate for 127.0.0.1, valid for a day. */
export function createCertificate(dir: string): { certificate: string; key: string } {
  const certificate = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    OPENSSL_BIN,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { certificate, key };
}

export { freePort } from '@chat-studio/test-support';

export interface NginxProcess {
  output(): string;
  stop(): Promise<void>;
}

/** Checks `config` with `nginx -t`, then runs nginx in the foreground and waits until every port accepts. */
export async function startNginx(
  prefix: string,
  config: string,
  ports: number[],
  timeoutMs = 10_000,
): Promise<NginxProcess> {
  const file = path.join(prefix, 'nginx.conf');
  writeFileSync(file, config);
  // error_log and pid on the command line too: the compiled-in ones (/var/log/nginx, /run) are not ours.
  const globals = `daemon off; pid ${path.join(prefix, 'nginx.pid')}; error_log ${path.join(prefix, 'error.log')} info;`;
  const args = ['-c', file, '-p', prefix, '-e', path.join(prefix, 'error.log'), '-g', globals];
  try {
    execFileSync(NGINX_BIN, [...args, '-t'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer };
    throw new Error(`nginx -t refused the config:\n${e.stderr?.toString()}\n${config}`);
  }
  const child = spawn(NGINX_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    // QUIT would wait for open streams; TERM is nginx's fast shutdown.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${out}`);
      const open = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (open) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { output: () => out, stop };
}
