// The read-pool worker of bench/store-tails.mjs: the store's own worker setup (read-only connection, page cache,
// memory map, niceness) and search job, with each search measured from inside the thread: wall time, the thread's
// CPU time and run-queue wait (/proc/thread-self/schedstat), its page faults (/proc/thread-self/stat), the time of
// each statement, and the garbage collections of this thread meanwhile. Linux only.
import { readFileSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, SqlRunner } from '../packages/chat-store/dist/sqlite/connection/index.js';
import { runReadJob } from '../packages/chat-store/dist/sqlite/read-pool/jobs.js';

const setup = workerData;
const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
if (setup.nice > 0) setPriority(tid, Math.min(19, getPriority() + setup.nice));
const raw = openDatabase({ path: setup.path, readonly: true, busyTimeoutMs: 5000 });
raw.pragma(`cache_size = -${setup.cacheKiB}`);
raw.pragma(`mmap_size = ${setup.mmapBytes}`);
const sql = new SqlRunner(raw);
let statements = [];
sql.slowStatementMs = 0;
sql.onSlowStatement = (text, ms) => statements.push({ sql: text.trim().split('\n')[0].slice(0, 48), ms });
let collections = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) collections.push(entry.duration);
}).observe({ entryTypes: ['gc'] });

const task = `/proc/${process.pid}/task/${tid}`;
/** [cpu ms, run-queue wait ms] of this thread so far. */
const schedstat = () =>
  readFileSync(`${task}/schedstat`, 'utf8')
    .trim()
    .split(' ')
    .slice(0, 2)
    .map((ns) => Number(ns) / 1e6);
/** [minor, major] page faults of this thread so far. */
const faults = () => {
  const stat = readFileSync(`${task}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[7]), Number(fields[9])];
};

parentPort.on('message', ({ id, job }) => {
  statements = [];
  collections = [];
  const [cpu0, wait0] = schedstat();
  const [minor0, major0] = faults();
  const t0 = performance.now();
  let hits;
  try {
    hits = /** @type {{ items: unknown[] }} */ (runReadJob(sql, job)).items.length;
  } catch (error) {
    hits = String(error);
  }
  const wall = performance.now() - t0;
  const [cpu1, wait1] = schedstat();
  const [minor1, major1] = faults();
  parentPort.postMessage({
    id,
    hits,
    wall,
    cpu: cpu1 - cpu0,
    wait: wait1 - wait0,
    minorFaults: minor1 - minor0,
    majorFaults: major1 - major0,
    statements,
    collections,
  });
});
parentPort.postMessage({ ready: true });
