/**
 * A PostgreSQL cluster of a test's own (initdb + pg_ctl on a free loopback port), for tests that stop and start the
 * server: the shared one of `.ci/services` must never be stopped under other suites.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  adminUrl: string;
  port: number;
  /** A URL to database `name` on this cluster. */
  url(name: string): string;
  /** Fast shutdown: open connections are terminated (`57P01`), new ones refused. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it (immediately) and removes its files. */
  destroy(): Promise<void>;
}

/** The newest Debian PostgreSQL bin folder (initdb refuses to be found on PATH there), or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? path.join(root, newest, 'bin') : undefined;
}

/** initdb refuses to run as root: run the cluster as the postgres account then. */
function asPostgres(bin: string, args: string[]): Promise<unknown> {
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
}

/**
 * Creates and starts a throwaway cluster; `destroy()` removes it.
 *
 * @example
 * const cluster = await startPostgresCluster();
 * await cluster.stop(); // the server is gone: requests should answer 503
 * await cluster.destroy();
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries are missing (apt-get install postgresql)');
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-pg-cluster-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  }
  await asPostgres(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
  ]);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = async () => {
    await asPostgres(path.join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
      '-o',
      options,
    ]);
  };
  const stop = async (mode = 'fast') => {
    await asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']).catch(() => undefined);
  };
  await start();
  const url = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`;
  return {
    adminUrl: url('postgres'),
    port,
    url,
    stop: () => stop('fast'),
    start,
    async destroy() {
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function idOf(flag: '-u' | '-g', user: string): number {
  // Synchronous and tiny: `id` is everywhere PostgreSQL's Debian package is.
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}
const uidOf = (user: string) => idOf('-u', user);
const gidOf = (user: string) => idOf('-g', user);
