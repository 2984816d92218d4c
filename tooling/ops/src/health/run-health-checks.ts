import type { HealthResponse, ModelList } from '@chat-studio/protocol';
import { existsSync } from 'node:fs';
import { REBUILD_FTS_COMMAND, type ChatStore } from '@chat-studio/chat-store';
import { defaultPidFile, postgresLabel, type OpsConfig } from '../config/index.js';
import { openReadonlyStore } from '../database/index.js';
import { describeInstance, findInstances } from '../process/index.js';
import { formatBytes } from '../format/index.js';
import { fetchJson } from '../http/index.js';
import { diskSpace, machineSummary } from '../system/index.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One line of the health report. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  data?: Record<string, unknown>;
}

export interface HealthReport {
  /** `false` when any check failed. */
  ok: boolean;
  checkedAt: string;
  baseUrl: string;
  /** The SQLite file, or `PostgreSQL <host>/<db>` (no credentials). */
  databasePath: string;
  checks: CheckResult[];
}

/** Below this much free disk the database cannot grow (fail); below the warn mark it soon cannot. */
const DISK_FAIL_BYTES = 100 * 1024 ** 2;
const DISK_WARN_BYTES = 1024 ** 3;
/** A model needs about its file size in RAM plus the context; 1.2× leaves room for the KV cache. */
const MODEL_HEADROOM = 1.2;

async function serverChecks(
  baseUrl: string,
  timeoutMs: number,
  apiKey: string | undefined,
): Promise<{ checks: CheckResult[]; modelSize: number | null; modelLoaded: boolean }> {
  const checks: CheckResult[] = [];
  const health = await fetchJson<HealthResponse>(`${baseUrl}/health`, timeoutMs);
  if (!health.reachable) {
    checks.push({
      name: 'server',
      status: 'fail',
      detail: `not reachable at ${baseUrl}: ${health.error} (start it with \`pnpm start\`)`,
    });
    checks.push({ name: 'models', status: 'fail', detail: 'skipped: server is not running' });
    return { checks, modelSize: null, modelLoaded: false };
  }
  const body = health.body;
  if (!body || typeof body.status !== 'string') {
    checks.push({
      name: 'server',
      status: 'fail',
      detail: `${baseUrl}/health answered ${health.status} without a health body`,
    });
  } else {
    // 503 means chat or storage requests fail now (no model, writes refused, a foreign search index): a failure.
    // A 200 `degraded` (e.g. Redis away, limits counted per process) still serves every request: a warning.
    const status: CheckStatus =
      body.status === 'ok' ? 'pass' : body.status === 'degraded' && health.status !== 503 ? 'warn' : 'fail';
    const detail =
      body.status === 'ok'
        ? `ok, version ${body.version}, up ${body.uptime_s} s`
        : `${body.status}: ${body.reason ?? 'no reason given'}`;
    checks.push({ name: 'server', status, detail, data: { ...body } });
  }

  // With AUTH=on the model list wants a login: an API key (--key or CHAT_STUDIO_KEY) is sent as a Bearer token.
  const models = await fetchJson<ModelList>(`${baseUrl}/api/llm/models`, timeoutMs, apiKey);
  let modelSize: number | null = null;
  const modelLoaded = body?.model?.state === 'ready';
  if (!models.reachable || models.status !== 200 || !models.body) {
    const why = models.reachable ? `HTTP ${models.status}` : models.error;
    const hint =
      models.reachable && models.status === 401
        ? apiKey
          ? ': the server refused the API key (revoked, or not a key of this server?)'
          : ': the server wants a login (AUTH=on); pass --key KEY or set CHAT_STUDIO_KEY (pnpm keys create NAME)'
        : '';
    checks.push({ name: 'models', status: 'fail', detail: `/api/llm/models failed: ${why}${hint}` });
  } else {
    const { models: list, active_model_id } = models.body;
    const active = list.find((m) => m.id === active_model_id) ?? list.find((m) => m.active);
    const broken = list.filter((m) => m.status === 'broken');
    modelSize = active?.size_bytes ?? null;
    if (list.length === 0) {
      checks.push({
        name: 'models',
        status: 'warn',
        detail: 'no model files found: put a .gguf file in models/ (see `pnpm models`)',
      });
    } else if (!active) {
      const state = body?.model ? `${body.model.state}${body.model.reason ? `: ${body.model.reason}` : ''}` : 'unknown';
      checks.push({
        name: 'models',
        status: 'warn',
        detail: `${list.length} model(s), none active (${state})`,
        data: { models: list.length, broken: broken.length },
      });
    } else {
      const extra = broken.length ? `; ${broken.length} broken file(s): ${broken.map((m) => m.id).join(', ')}` : '';
      checks.push({
        name: 'models',
        status: broken.length ? 'warn' : 'pass',
        detail: `active ${active.id} (${active.size_bytes !== null ? formatBytes(active.size_bytes) : 'size unknown'}), ${list.length} model(s)${extra}`,
        data: { active: active.id, sizeBytes: active.size_bytes, models: list.length, broken: broken.length },
      });
    }
  }
  return { checks, modelSize, modelLoaded };
}

/** The integrity result as a check: amcheck skipped (not installed, no right to create it) is a warning. */
function integrityResult(backend: ChatStore['backend'], integrity: { ok: boolean; messages: string[] }): CheckResult {
  const what = backend === 'postgres' ? 'amcheck' : 'PRAGMA integrity_check';
  if (!integrity.ok) {
    const shown = `${integrity.messages.slice(0, 3).join('; ')}${integrity.messages.length > 3 ? ` (+${integrity.messages.length - 3} more)` : ''}`;
    const fix =
      backend === 'postgres'
        ? 'REINDEX the named index, or restore a backup (`pnpm restore`)'
        : 'restore a backup (`pnpm restore`)';
    return {
      name: 'integrity',
      status: 'fail',
      detail: `${what}: ${shown} — ${fix}`,
      data: { messages: integrity.messages },
    };
  }
  if (integrity.messages.length === 1 && integrity.messages[0] === 'ok')
    return { name: 'integrity', status: 'pass', detail: `${what}: ok` };
  return {
    name: 'integrity',
    status: 'warn',
    detail: integrity.messages.join('; '),
    data: { messages: integrity.messages },
  };
}

/**
 * amcheck on PostgreSQL, in the read-only store: where the extension is installed it runs, where it is not the
 * check is skipped with the one line a superuser runs to install it. A health check never runs DDL.
 */
async function postgresIntegrity(store: ChatStore): Promise<{ ok: boolean; messages: string[] }> {
  return store.maintenance.integrityCheck();
}

/** The search index is ours and in step (definition, triggers, the newest rowids), else the command that fixes it. */
async function searchIndexResult(store: ChatStore): Promise<CheckResult> {
  try {
    const r = await store.maintenance.checkSearchIndex({ sample: 1000 });
    if (r.ok)
      return {
        name: 'search index',
        status: 'pass',
        detail: 'messages_fts: definition, triggers and newest rows match',
      };
    return {
      name: 'search index',
      status: 'fail',
      detail: `${r.problems.join('; ')} — fix: ${REBUILD_FTS_COMMAND}`,
      data: { problems: r.problems },
    };
  } catch (error) {
    return {
      name: 'search index',
      status: 'fail',
      detail: `checking messages_fts failed: ${(error as Error).message} — fix: ${REBUILD_FTS_COMMAND}`,
    };
  }
}

/** How far background embedding for search by meaning has come (the store's cursor and vector counts). */
async function meaningSearchResult(store: ChatStore): Promise<CheckResult> {
  try {
    const p = await store.vectors.progress();
    if (p.users === 0)
      return {
        name: 'meaning search',
        status: 'pass',
        detail: 'off: no user turned search by meaning on',
        data: { ...p },
      };
    const share = p.total === 0 ? 100 : Math.floor((p.embedded / p.total) * 100);
    return {
      name: 'meaning search',
      status: 'pass',
      detail: `${p.embedded} of ${p.total} messages embedded (${share}%) for ${p.users} user(s)${p.model ? ` with ${p.model} (${p.dims} dims)` : ''}`,
      data: { ...p },
    };
  } catch (error) {
    return {
      name: 'meaning search',
      status: 'fail',
      detail: `reading embedding progress failed: ${(error as Error).message}`,
    };
  }
}

/** How far the background chunk embedder has come with large attachments (files per state, chunks embedded). */
async function chunkIndexingResult(store: ChatStore): Promise<CheckResult> {
  try {
    const t = await store.chunkVectors.totals();
    const { ready, indexing, error } = t.files;
    const files = `${ready} ready, ${indexing} indexing, ${error} error`;
    return {
      name: 'chunk indexing',
      status: 'pass',
      detail: `${t.embedded} of ${t.chunks} chunks embedded; large files: ${files}`,
      data: { ...t },
    };
  } catch (error) {
    return {
      name: 'chunk indexing',
      status: 'fail',
      detail: `reading chunk indexing progress failed: ${(error as Error).message}`,
    };
  }
}

async function databaseChecks(target: string, label: string): Promise<CheckResult[]> {
  let store;
  try {
    store = await openReadonlyStore(target);
  } catch (error) {
    const detail = (error as Error).message;
    return [
      { name: 'database', status: 'fail', detail },
      { name: 'integrity', status: 'fail', detail: 'skipped: database cannot be opened' },
    ];
  }
  const postgres = store.backend === 'postgres';
  const checks: CheckResult[] = [];
  try {
    try {
      const stats = await store.maintenance.stats();
      const size = postgres
        ? formatBytes(stats.fileSizeBytes)
        : `${formatBytes(stats.fileSizeBytes)} (+${formatBytes(stats.walSizeBytes)} WAL)`;
      checks.push({
        name: 'database',
        status: 'pass',
        detail: `${postgres ? `${label}: ` : ''}${stats.sessions} sessions, ${stats.messages} messages, ${size}`,
        data: { ...stats, backend: store.backend, ...(postgres ? { database: label } : { path: target }) },
      });
    } catch (error) {
      checks.push({ name: 'database', status: 'fail', detail: `counting rows failed: ${(error as Error).message}` });
    }
    if (!postgres) checks.push(await searchIndexResult(store));
    checks.push(await meaningSearchResult(store));
    checks.push(await chunkIndexingResult(store));
    try {
      const integrity = postgres ? await postgresIntegrity(store) : await store.maintenance.integrityCheck();
      checks.push(integrityResult(store.backend, integrity));
    } catch (error) {
      checks.push({
        name: 'integrity',
        status: 'fail',
        detail: `${postgres ? 'amcheck' : 'PRAGMA integrity_check'} failed: ${(error as Error).message}`,
      });
    }
  } finally {
    await store.close();
  }
  return checks;
}

function memoryCheck(modelSize: number | null, modelLoaded: boolean): CheckResult {
  const m = machineSummary();
  const free = m.freeMemoryBytes;
  const base = `${formatBytes(free)} free of ${formatBytes(m.totalMemoryBytes)}`;
  const data = { freeBytes: free, totalBytes: m.totalMemoryBytes, modelSizeBytes: modelSize, modelLoaded };
  if (modelSize !== null && !modelLoaded) {
    // The model is not in memory yet: loading it needs its size in free RAM.
    if (free < modelSize)
      return {
        name: 'memory',
        status: 'fail',
        detail: `${base}; the active model needs ${formatBytes(modelSize)} to load`,
        data,
      };
    if (free < modelSize * MODEL_HEADROOM)
      return { name: 'memory', status: 'warn', detail: `${base}; tight for the ${formatBytes(modelSize)} model`, data };
    return { name: 'memory', status: 'pass', detail: `${base}; enough for the ${formatBytes(modelSize)} model`, data };
  }
  const suffix = modelSize !== null ? `; model (${formatBytes(modelSize)}) is loaded` : '';
  if (free < m.totalMemoryBytes * 0.05)
    return { name: 'memory', status: 'warn', detail: `${base}${suffix}; under 5% free`, data };
  return { name: 'memory', status: 'pass', detail: `${base}${suffix}`, data };
}

function cpuCheck(): CheckResult {
  const m = machineSummary();
  if (m.loadPerCore === null || m.loadAverage === null) {
    return {
      name: 'cpu',
      status: 'pass',
      detail: `${m.cores} cores (${m.cpuModel}); no load average on ${m.platform}`,
      data: { cores: m.cores },
    };
  }
  const load = m.loadAverage.map((l) => l.toFixed(2)).join(' ');
  const detail = `load ${load} on ${m.cores} cores (${m.cpuModel})`;
  const data = { cores: m.cores, loadAverage: m.loadAverage, loadPerCore: m.loadPerCore };
  // Generation is CPU-bound: a machine already busier than its core count makes replies crawl.
  if (m.loadPerCore > 1.5)
    return { name: 'cpu', status: 'warn', detail: `${detail}; overloaded, replies will be slow`, data };
  return { name: 'cpu', status: 'pass', detail, data };
}

async function diskCheck(dataDir: string, what = ''): Promise<CheckResult> {
  try {
    const d = await diskSpace(dataDir);
    const detail = `${formatBytes(d.freeBytes)} free of ${formatBytes(d.totalBytes)} at ${d.path}${what}`;
    const data = { ...d };
    if (d.freeBytes < DISK_FAIL_BYTES)
      return { name: 'disk', status: 'fail', detail: `${detail}; writes will fail`, data };
    if (d.freeBytes < DISK_WARN_BYTES) return { name: 'disk', status: 'warn', detail: `${detail}; under 1 GiB`, data };
    return { name: 'disk', status: 'pass', detail, data };
  } catch (error) {
    return { name: 'disk', status: 'fail', detail: `statfs ${dataDir} failed: ${(error as Error).message}` };
  }
}

/**
 * Every API process of this database (pid files beside it, the registry in it): which run, on which host and port,
 * and which left a stale pid file or registry row behind (a crash). Several instances are normal; stale ones warn.
 */
async function instancesCheck(dataDir: string, pidFile: string, target: string): Promise<CheckResult> {
  const instances = await findInstances({ dataDir, pidFile, target });
  const alive = instances.filter((i) => i.alive);
  const stale = instances.filter((i) => !i.alive);
  const data = { instances };
  const running =
    alive.length === 0 ? 'none running' : `${alive.length} running: ${alive.map(describeInstance).join('; ')}`;
  if (stale.length > 0) {
    const gone = stale.map((i) => `${i.instance} (pid ${i.pid}${i.pidFile ? `, ${i.pidFile}` : ''})`).join('; ');
    return {
      name: 'instances',
      status: 'warn',
      detail: `${running}; gone without cleaning up: ${gone} — \`pnpm stop --all\` removes stale pid files`,
      data,
    };
  }
  return { name: 'instances', status: 'pass', detail: running, data };
}

/**
 * Checks the running server, its models, the database (read-only, safe while the server runs) and the machine.
 * With `databaseUrl` the database is PostgreSQL: counts and amcheck through the store, named by `databaseLabel`,
 * and free disk only for the local data folder (backups, pid file) when it exists, since the database's own files
 * live on the PostgreSQL server. Each check passes, warns or fails; the report is `ok` when none failed.
 *
 * @example
 * const report = await runHealthChecks(loadOpsConfig());
 * process.exitCode = report.ok ? 0 : 1;
 */
export async function runHealthChecks(
  config: Pick<OpsConfig, 'baseUrl' | 'databasePath' | 'dataDir'> &
    Partial<Pick<OpsConfig, 'databaseUrl' | 'databaseLabel' | 'pidFile' | 'apiKey'>>,
  options: { timeoutMs?: number } = {},
): Promise<HealthReport> {
  const server = await serverChecks(config.baseUrl, options.timeoutMs ?? 3000, config.apiKey);
  const url = config.databaseUrl;
  const label = url ? (config.databaseLabel ?? postgresLabel(url)) : config.databasePath;
  const disk = url
    ? existsSync(config.dataDir)
      ? [await diskCheck(config.dataDir, ' (data folder: backups, pid file)')]
      : []
    : [await diskCheck(config.dataDir)];
  const instances = await instancesCheck(
    config.dataDir,
    config.pidFile ?? defaultPidFile(process.env, config.databasePath),
    url ?? config.databasePath,
  );
  const checks = [
    ...server.checks,
    instances,
    ...(await databaseChecks(url ?? config.databasePath, label)),
    memoryCheck(server.modelSize, server.modelLoaded),
    cpuCheck(),
    ...disk,
  ];
  return {
    ok: checks.every((c) => c.status !== 'fail'),
    checkedAt: new Date().toISOString(),
    baseUrl: config.baseUrl,
    databasePath: label,
    checks,
  };
}
