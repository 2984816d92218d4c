import type { HealthResponse } from '@chat-studio/protocol';
import { fetchJson } from '../http/index.js';

/** `up`: /health says ok; `degraded`: it serves but chat (or another part) does not; `down`: no answer or 503. */
export interface HealthState {
  state: 'up' | 'degraded' | 'down';
  reason: string | null;
}

/** Polls `/health` once and classifies the answer. */
export async function probeHealth(baseUrl: string, timeoutMs = 3000): Promise<HealthState> {
  const res = await fetchJson<HealthResponse>(`${baseUrl}/health`, timeoutMs);
  if (!res.reachable) return { state: 'down', reason: res.error };
  const body = res.body;
  if (!body || typeof body.status !== 'string')
    return { state: 'down', reason: `HTTP ${res.status} without a health body` };
  if (body.status === 'ok') return { state: 'up', reason: null };
  return { state: body.status === 'degraded' ? 'degraded' : 'down', reason: body.reason ?? `HTTP ${res.status}` };
}

export interface MonitorOptions {
  baseUrl: string;
  /** Seconds between polls. Defaults to 10. */
  intervalS?: number;
  /** Stop after this many polls. Defaults to forever (until `signal` aborts). */
  count?: number;
  signal?: AbortSignal;
  /** Receives one line per state change. Defaults to console.log. */
  log?: (line: string) => void;
}

/** One line: ISO time, state, reason. */
export function formatStateLine(at: Date, s: HealthState): string {
  return `${at.toISOString()} ${s.state}${s.reason ? `: ${s.reason}` : ''}`;
}

/**
 * Polls `/health` every `intervalS` seconds and logs the first state and every change (up, degraded with its
 * reason, down). Resolves when `count` polls are done or `signal` aborts.
 *
 * @example
 * const ac = new AbortController();
 * process.once('SIGINT', () => ac.abort());
 * await monitorHealth({ baseUrl: 'http://127.0.0.1:5000', intervalS: 10, signal: ac.signal });
 */
export async function monitorHealth(
  options: MonitorOptions,
): Promise<{ polls: number; changes: number; last: HealthState | null }> {
  const { baseUrl, intervalS = 10, count = Infinity, signal, log = console.log } = options;
  let last: HealthState | null = null;
  let polls = 0;
  let changes = 0;
  while (polls < count && !signal?.aborted) {
    const current = await probeHealth(baseUrl, Math.min(5000, Math.max(500, intervalS * 1000)));
    polls++;
    if (signal?.aborted) break;
    if (!last || last.state !== current.state || last.reason !== current.reason) {
      log(formatStateLine(new Date(), current));
      changes++;
    }
    last = current;
    if (polls >= count) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalS * 1000);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  return { polls, changes, last };
}
