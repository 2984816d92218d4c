// The peer bench's bookkeeping (bench/llm-peer.mjs), apart from servers and sockets so a unit test can hold it
// (tests/bench/peer-results.test.ts): which streams are measures and which failed, the rates of those that are, and
// the medians over rounds. A failed llama-server measure (non-2xx, an error event, no tokens, a timeout) once became a
// figure here: four parallel streams, one of them empty, "ran" at 1.2 tok/s because the empty stream's first-token
// time (0) stretched the span back to the process start. Now a failed stream fails its cell, and a cell says so.
import { median } from './lib.mjs';

/**
 * @typedef {{ tokens: number, first: number, last: number, ttft: number, error?: string }} Stream
 *   one stream as the client saw it: `first`/`last` are `performance.now()` of the first and last token text (0
 *   when none came), `error` why it failed where it did.
 * @typedef {{ value: number } | { failed: string }} Measure one figure of one round, or why there is none.
 * @typedef {{ value: number, rounds: number, failedRounds: number, reason?: string }} Cell
 *   a figure over rounds: the median of the rounds that measured (`NaN` when none did), and why the others failed.
 */

/**
 * Why a stream is not a measure, or `undefined` when it is one: an error it carried, no completion tokens, or no
 * token text streamed (the first and last token times then say nothing).
 * @param {Stream} s
 * @returns {string | undefined}
 */
export function streamFailure(s) {
  if (s.error) return s.error;
  if (!(s.tokens > 0)) return 'no tokens';
  if (!(s.first > 0 && s.last >= s.first)) return 'no token text streamed';
  return undefined;
}

/**
 * The error an SSE stream reported in its events after a 2xx status (llama-server sends `{"error": {...}}`, ours an
 * event of type `error`), or `undefined`.
 * @param {any[]} events
 * @returns {string | undefined}
 */
export function sseError(events) {
  const bad = events.find((e) => e?.error !== undefined || e?.type === 'error');
  if (!bad) return undefined;
  const detail = bad.error?.message ?? bad.message ?? bad.error ?? bad.code;
  return `error event: ${typeof detail === 'string' ? detail : JSON.stringify(bad).slice(0, 200)}`;
}

/**
 * tok/s of one stream from its first token to its last: tokens after the first over that span.
 * @param {Stream} s
 * @returns {Measure}
 */
export function streamRate(s) {
  const failed = streamFailure(s);
  if (failed) return { failed };
  if (s.tokens < 2 || s.last === s.first) return { failed: 'one token: no span to time' };
  return { value: (s.tokens - 1) / ((s.last - s.first) / 1000) };
}

/**
 * Aggregate tok/s of streams run at once: all their tokens over the span from the first token to the last. Any
 * failed stream fails the whole figure: the others ran with fewer neighbours than the measure claims.
 * @param {Stream[]} streams
 * @returns {Measure}
 */
export function aggregateRate(streams) {
  if (streams.length === 0) return { failed: 'no streams' };
  const failures = streams.map(streamFailure).filter((f) => f !== undefined);
  if (failures.length > 0) return { failed: `${failures.length} of ${streams.length} streams failed: ${failures[0]}` };
  const first = Math.min(...streams.map((s) => s.first));
  const last = Math.max(...streams.map((s) => s.last));
  if (!(last > first)) return { failed: 'no span to time' };
  const tokens = streams.reduce((sum, s) => sum + s.tokens, 0);
  return { value: tokens / ((last - first) / 1000) };
}

/**
 * The single-stream figure of one round: the median rate of its streams, failed if any of them failed.
 * @param {Stream[]} streams
 * @returns {{ single: Measure, ttft: Measure }}
 */
export function singleFigures(streams) {
  const rates = streams.map(streamRate);
  const failed = rates.find((r) => 'failed' in r);
  if (failed) return { single: failed, ttft: failed };
  return {
    single: { value: median(rates.map((r) => ('value' in r ? r.value : NaN))) },
    ttft: { value: median(streams.map((s) => s.ttft)) },
  };
}

/**
 * One figure over rounds: the median of the rounds that measured; the rounds that failed are counted with their
 * first reason and never enter the median.
 * @param {Measure[]} measures
 * @returns {Cell}
 */
export function combineRounds(measures) {
  const values = measures.flatMap((m) => ('value' in m && Number.isFinite(m.value) ? [m.value] : []));
  const failures = measures.flatMap((m) => ('failed' in m ? [m.failed] : []));
  return {
    value: values.length > 0 ? median(values) : NaN,
    rounds: measures.length,
    failedRounds: failures.length,
    ...(failures.length > 0 ? { reason: failures[0] } : {}),
  };
}

/**
 * A cell as markdown: the figure, with the failed rounds noted; "failed" with the reason when no round measured.
 * @param {Cell} c
 * @param {number} [digits]
 */
export function formatCell(c, digits = 1) {
  if (!Number.isFinite(c.value)) return `failed (${c.reason ?? 'no measure'})`;
  const figure = c.value.toFixed(digits);
  return c.failedRounds > 0 ? `${figure} (${c.failedRounds} of ${c.rounds} rounds failed: ${c.reason})` : figure;
}

/**
 * `a / b` in bold, or "—" where either side has no figure (a failed measure is never a ratio).
 * @param {Cell} a
 * @param {Cell} b
 */
export function formatRatio(a, b) {
  if (!Number.isFinite(a.value) || !Number.isFinite(b.value) || b.value <= 0) return '—';
  return `**${(a.value / b.value).toFixed(2)}×**`;
}
